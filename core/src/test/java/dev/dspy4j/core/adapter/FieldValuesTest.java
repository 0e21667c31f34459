package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FieldValues writes a value exactly as the adapters write it into a reply. */
class FieldValuesTest {

  record Source(String title, int page) {}

  private static Map<String, Object> outputs() {
    var values = new LinkedHashMap<String, Object>();
    values.put("answer", "Paris");
    values.put("confidence", 0.5);
    values.put("scores", Map.of("é", List.of(1, 2)));
    values.put("ok", true);
    values.put("source", new Source("Atlas «1»", 3));
    return values;
  }

  private static final Signature SIGNATURE =
      Signature.parse(
          "question -> answer, confidence: float, scores: dict[str, list[int]], ok: bool,"
              + " source: dict[str, str]");

  /** The assistant message the adapter writes for one complete demo with these outputs. */
  private static String demoReply(Adapter adapter, Map<String, Object> outputs) {
    var demo = new LinkedHashMap<String, Object>(outputs);
    demo.put("question", "Capital of France?");
    List<Message> messages = adapter.format(SIGNATURE, List.of(demo), Map.of("question", "Next?"));
    return messages.get(2).content();
  }

  @Test
  void formatIsWhatChatAdapterWritesForEachField() {
    var sections = new StringBuilder();
    outputs()
        .forEach(
            (name, value) ->
                sections
                    .append("[[ ## ")
                    .append(name)
                    .append(" ## ]]\n")
                    .append(FieldValues.format(value))
                    .append("\n\n"));
    assertThat(demoReply(new ChatAdapter(), outputs()))
        .isEqualTo(sections + "[[ ## completed ## ]]\n");
  }

  @Test
  void jsonIndentedIsWhatJsonAdapterWritesForTheOutputs() {
    assertThat(demoReply(new JsonAdapter(), outputs()))
        .isEqualTo(FieldValues.jsonIndented(outputs()));
  }

  @Test
  void formatShowsScalarsAsPythonsStrAndContainersAsJson() {
    assertThat(FieldValues.format(true)).isEqualTo("True");
    assertThat(FieldValues.format(null)).isEqualTo("None");
    assertThat(FieldValues.format(1.0)).isEqualTo("1.0");
    assertThat(FieldValues.format(List.of("a", "b"))).isEqualTo("[\"a\", \"b\"]");
    assertThat(FieldValues.format(new Source("x", 1))).isEqualTo("{\"title\": \"x\", \"page\": 1}");
    assertThat(FieldValues.jsonIndented(Map.of("a", List.of(1))))
        .isEqualTo("{\n  \"a\": [\n    1\n  ]\n}");
  }
}
