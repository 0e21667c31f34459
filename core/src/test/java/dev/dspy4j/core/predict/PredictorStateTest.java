package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.signature.Signature;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictorStateTest {

  @Test
  @SuppressWarnings("unchecked")
  void inferPrefixIsDspys() throws Exception {
    Map<String, String> golden =
        new ObjectMapper()
            .readValue(
                new File("src/test/resources/dspy-goldens/programs/infer_prefix.json"),
                LinkedHashMap.class);
    assertThat(golden).hasSizeGreaterThan(10);
    golden.forEach(
        (name, prefix) -> assertThat(PredictorState.inferPrefix(name)).as(name).isEqualTo(prefix));
  }

  @Test
  void freshStateHasDspysDefaultPrefixes() {
    var s = PredictorState.of(Signature.parse("question, generateAnswer -> answer"));
    assertThat(s.prefixes())
        .containsExactly(
            Map.entry("question", "Question:"),
            Map.entry("generateAnswer", "Generate Answer:"),
            Map.entry("answer", "Answer:"));
  }

  @Test
  void setStateReplacesInPlaceButWithDemosStillCopies() {
    Predict p = Predict.of("question -> answer");
    Predict copy = p.withDemos(List.of(Example.of(Map.of("question", "q", "answer", "a"))));
    p.setState(p.state().withInstructions("New."));
    assertThat(p.signature().instructions()).isEqualTo("New.");
    assertThat(p.demos()).isEmpty();
    assertThat(copy.signature().instructions()).isNotEqualTo("New.");
    assertThat(copy.demos()).hasSize(1);
  }

  @Test
  void copiesKeepTheLearnedStateTheyWereMadeFrom() {
    Predict p = Predict.of("question -> answer");
    p.updateState(s -> s.withInstructions("Learned.").withPrefixes(Map.of("answer", "Final:")));
    Predict copy = p.withTemperature(0.5);
    assertThat(copy.state()).isEqualTo(p.state());
    p.updateState(s -> s.withInstructions("Later."));
    assertThat(copy.signature().instructions()).isEqualTo("Learned.");
  }

  @Test
  void stateMayNotChangeTheFields() {
    Predict p = Predict.of("question -> answer");
    var other = PredictorState.of(Signature.parse("question -> answer: int"));
    assertThatThrownBy(() -> p.setState(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not fields");
    var renamed = PredictorState.of(Signature.parse("q -> answer"));
    assertThatThrownBy(() -> p.updateState(s -> renamed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(p.signature()).isEqualTo(Signature.parse("question -> answer"));
  }

  @Test
  void prefixesOfUnknownFieldsAreRejected() {
    var s = PredictorState.of(Signature.parse("question -> answer"));
    assertThatThrownBy(() -> s.withPrefixes(Map.of("nope", "Nope:")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }
}
