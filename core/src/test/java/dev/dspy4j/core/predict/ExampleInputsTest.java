package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Example.withInputs / inputs / labels as DSPy's with_inputs / inputs() / labels(). */
class ExampleInputsTest {

  private static Example example() {
    var values = new LinkedHashMap<String, Object>();
    values.put("context", "ctx");
    values.put("question", "Q");
    values.put("answer", "A");
    values.put("dspy_uuid", "u-1");
    return Example.of(values);
  }

  @Test
  void splitsInputsAndLabelsInTheExamplesOrder() {
    Example ex = example().withInputs("question", "context");
    assertThat(ex.inputs())
        .containsExactly(Map.entry("context", "ctx"), Map.entry("question", "Q"));
    assertThat(ex.labels())
        .containsExactly(Map.entry("answer", "A"), Map.entry("dspy_uuid", "u-1"));
    assertThat(ex.inputKeys()).containsExactly("question", "context");
  }

  @Test
  void withInputsReturnsACopyAndReplacesEarlierKeys() {
    Example plain = example();
    Example marked = plain.withInputs("question").withInputs("context");
    assertThat(plain.inputKeys()).isNull();
    assertThat(marked.inputs()).containsOnlyKeys("context");
    assertThat(marked.values()).isEqualTo(plain.values());
  }

  @Test
  void absentInputKeysAreSimplyNotInputsAsInDspy() {
    Example ex = example().withInputs("question", "missing");
    assertThat(ex.inputs()).containsOnlyKeys("question");
    assertThat(ex.labels()).containsOnlyKeys("context", "answer", "dspy_uuid");
  }

  @Test
  void inputsWithoutWithInputsIsAnError() {
    assertThatThrownBy(() -> example().inputs())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("withInputs");
    assertThatThrownBy(() -> example().labels()).isInstanceOf(IllegalStateException.class);
  }
}
