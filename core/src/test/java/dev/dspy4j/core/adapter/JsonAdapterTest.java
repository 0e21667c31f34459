package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAdapterTest {

  private final JsonAdapter adapter = new JsonAdapter();

  @Test
  void asksForAJsonObjectWithTheOutputsInOrder() {
    var sig = Signature.parse("question -> answer, confidence: float");
    List<Message> messages = adapter.format(sig, List.of(), Map.of("question", "Q"));
    assertThat(messages.get(0).content()).contains(
        "All interactions will be structured in the following way, with the appropriate values filled in.\n\n"
            + "Inputs will have the following structure:\n\n[[ ## question ## ]]\n{question}\n\n"
            + "Outputs will be a JSON object with the following fields.\n\n{\n  \"answer\": \"{answer}\",\n"
            + "  \"confidence\": \"{confidence}        # note: the value you produce must be a single float value\"\n}\n"
            + "In adhering to this structure, your objective is: ");
    assertThat(messages.get(1).content()).isEqualTo("[[ ## question ## ]]\nQ\n\n"
        + "Respond with a JSON object in the following order of fields: `answer`, then `confidence` (must be "
        + "formatted as a valid Python float).");
  }

  @Test
  void sendsAStrictJsonSchemaOrJsonObjectForOpenMappings() {
    var schema = adapter.responseFormat(Signature.parse("q -> answer, n: int")).orElseThrow();
    assertThat(schema).containsEntry("type", "json_schema");
    @SuppressWarnings("unchecked")
    var inner = (Map<String, Object>) ((Map<String, Object>) schema.get("json_schema")).get("schema");
    assertThat(inner).containsEntry("required", List.of("answer", "n"))
        .containsEntry("additionalProperties", false);
    assertThat(adapter.responseFormat(Signature.parse("q -> d: dict[str, int]")))
        .contains(Map.of("type", "json_object"));
  }

  @Test
  void parsesTheFirstObjectInsideFencesAndDropsUnknownKeys() {
    var sig = Signature.parse("q -> answer, n: int");
    var parsed = adapter.parse(sig, "Here:\n```json\n{\"answer\": \"Paris\", \"n\": \"3\", \"extra\": 1}\n```");
    assertThat(parsed).containsExactly(Map.entry("answer", "Paris"), Map.entry("n", 3L));
  }

  @Test
  void nonObjectOrMissingFieldRaises() {
    var sig = Signature.parse("q -> answer, n: int");
    assertThatThrownBy(() -> adapter.parse(sig, "no json here"))
        .isInstanceOf(AdapterParseException.class)
        .hasMessageContaining("LM response cannot be serialized to a JSON object.")
        .hasMessageContaining("Adapter JSONAdapter failed");
    assertThatThrownBy(() -> adapter.parse(sig, "{\"answer\": \"x\"}"))
        .isInstanceOfSatisfying(AdapterParseException.class,
            e -> assertThat(e.parsedFields()).contains(List.of("answer")));
  }

  @Test
  void demoOutputsAreIndentedJson() {
    var sig = Signature.parse("q -> answer");
    var messages = adapter.format(sig, List.of(Map.of("q", "Q1", "answer", "A1")), Map.of("q", "Q2"));
    assertThat(messages.get(2)).isEqualTo(Message.assistant("{\n  \"answer\": \"A1\"\n}"));
  }
}
