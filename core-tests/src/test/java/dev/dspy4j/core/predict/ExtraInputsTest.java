package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.test.DummyLM;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An input that is not a field of the signature is not sent, and a warning names it (once per
 * module).
 */
class ExtraInputsTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureTheLog() {
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreTheLog() {
    System.setErr(originalErr);
  }

  private long warnings(String name) {
    return Arrays.stream(err.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.contains("WARN") && l.contains("Input '" + name + "' is not an input field"))
        .count();
  }

  @Test
  void aMisspeltOptionalInputIsNamedOnceAndNotSent() {
    var lm = DummyLM.of(java.util.List.of(Map.of("answer", "Paris"), Map.of("answer", "Paris")));
    Predict qa =
        Predict.of("question, context: Optional[str] -> answer").withLm(lm).withCache(false);

    qa.call(Map.of("question", "Capital of France?", "contxt", "Europe"))
        .block(Duration.ofSeconds(10));
    qa.call(Map.of("question", "Capital of France?", "contxt", "Europe"))
        .block(Duration.ofSeconds(10));

    assertThat(warnings("contxt")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("its input fields are [question, context]");
    assertThat(lm.lastRequest().messages().toString())
        .doesNotContain("contxt")
        .doesNotContain("Europe");
  }

  @Test
  void declaredInputsWarnAboutNothing() {
    var lm = DummyLM.of(java.util.List.of(Map.of("answer", "Paris")));

    Predict.of("question -> answer")
        .withLm(lm)
        .call(Map.of("question", "Capital?"))
        .block(Duration.ofSeconds(10));

    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("is not an input field");
  }
}
