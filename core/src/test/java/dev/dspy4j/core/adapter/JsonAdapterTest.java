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

  /**
   * DSPy
   * tests/adapters/test_json_adapter.py::test_json_adapter_format_exact_messages_with_demo_and_typed_output.
   */
  @Test
  void demoAndTypedOutputMatchDspyByteForByte() {
    var sig = Signature.parse("question: str -> answer: str, confidence: float");
    var demo = new java.util.LinkedHashMap<String, Object>();
    demo.put("question", "Q1");
    demo.put("answer", "A1");
    demo.put("confidence", 0.9);
    List<Message> messages = adapter.format(sig, List.of(demo), Map.of("question", "Q2"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                """
            Your input fields are:
            1. `question` (str):
            Your output fields are:
            1. `answer` (str):\s
            2. `confidence` (float):
            All interactions will be structured in the following way, with the appropriate values filled in.

            Inputs will have the following structure:

            [[ ## question ## ]]
            {question}

            Outputs will be a JSON object with the following fields.

            {
              "answer": "{answer}",
              "confidence": "{confidence}        # note: the value you produce must be a single float value"
            }
            In adhering to this structure, your objective is:\s
                    Given the fields `question`, produce the fields `answer`, `confidence`."""),
            Message.user("[[ ## question ## ]]\nQ1"),
            Message.assistant(
                """
            {
              "answer": "A1",
              "confidence": 0.9
            }"""),
            Message.user(
                """
            [[ ## question ## ]]
            Q2

            Respond with a JSON object in the following order of fields: `answer`, then `confidence` (must be \
            formatted as a valid Python float)."""));
  }

  @Test
  void sendsAStrictJsonSchemaOrJsonObjectForOpenMappings() {
    var schema = adapter.responseFormat(Signature.parse("q -> answer, n: int")).orElseThrow();
    assertThat(schema).containsEntry("type", "json_schema");
    @SuppressWarnings("unchecked")
    var inner =
        (Map<String, Object>) ((Map<String, Object>) schema.get("json_schema")).get("schema");
    assertThat(inner)
        .containsEntry("required", List.of("answer", "n"))
        .containsEntry("additionalProperties", false);
    assertThat(adapter.responseFormat(Signature.parse("q -> d: dict[str, int]")))
        .contains(Map.of("type", "json_object"));
  }

  @Test
  void parsesTheFirstObjectInsideFencesAndDropsUnknownKeys() {
    var sig = Signature.parse("q -> answer, n: int");
    var parsed =
        adapter.parse(
            sig, "Here:\n```json\n{\"answer\": \"Paris\", \"n\": \"3\", \"extra\": 1}\n```");
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
        .isInstanceOfSatisfying(
            AdapterParseException.class,
            e -> assertThat(e.parsedFields()).contains(List.of("answer")));
  }
}
