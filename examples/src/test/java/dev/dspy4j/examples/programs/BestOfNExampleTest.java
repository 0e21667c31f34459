package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.Examples;
import dev.dspy4j.test.LocalGateway;
import dev.dspy4j.test.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code best-of-n} example against the embedded local gateway. */
class BestOfNExampleTest {

  private final LocalGateway gateway = LocalGateway.builder().start();

  @AfterEach
  void stop() {
    gateway.close();
    Dspy.reset();
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  @Test
  void fiveChoicesAMajorityAndABestOfNAnswer() throws Exception {
    Dspy.configureCache(DefaultLmCache.builder().build());
    var out = new ByteArrayOutputStream();
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    int exit;
    try (var runtime =
        ExampleRuntime.withGateway(
            config, new PrintStream(out, true, StandardCharsets.UTF_8), gateway)) {
      exit = Examples.named("best-of-n").orElseThrow().run(runtime);
    }
    String printed = out.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(printed).isZero();
    String answer =
        "A deterministic answer from the local gateway to \"" + BestOfNExample.QUESTION + "\".";
    assertThat(printed)
        .contains("Choices: 5", "Majority answer: " + answer, "BestOfN answer: " + answer);
    List<RecordedRequest> requests = gateway.requests();
    assertThat(requests.get(0).json().get("n").asInt()).isEqualTo(5);
    assertThat(requests.get(0).json().get("temperature").asDouble()).isEqualTo(0.7);
    assertThat(requests.subList(1, requests.size()))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.json().get("temperature").asDouble()).isEqualTo(1.0));
  }
}
