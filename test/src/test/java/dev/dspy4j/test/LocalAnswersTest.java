package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class LocalAnswersTest {

  @Test
  void aChainOfThoughtPromptGetsEachOutputFieldThenCompleted() {
    String question = "How many floors are in the castle David Gregory inherited?";
    String reply =
        LocalAnswers.reply(
            DspyPrompts.messages(DspyPrompts.COT_SYSTEM, DspyPrompts.cotUser(question)));

    assertThat(reply)
        .startsWith("[[ ## reasoning ## ]]\n")
        .contains("\n\n[[ ## answer ## ]]\n")
        .endsWith("\n\n[[ ## completed ## ]]");
    String answer =
        reply.substring(
            reply.indexOf("[[ ## answer ## ]]\n") + 19, reply.indexOf("\n\n[[ ## completed"));
    assertThat(answer).contains(question);
    assertThat(reply.indexOf("[[ ## reasoning")).isLessThan(reply.indexOf("[[ ## answer"));
  }

  @Test
  void theSameQuestionAlwaysGetsTheSameAnswer() {
    var messages =
        DspyPrompts.messages(DspyPrompts.COT_SYSTEM, DspyPrompts.cotUser("What is DSPy?"));
    assertThat(LocalAnswers.reply(messages)).isEqualTo(LocalAnswers.reply(messages.deepCopy()));
    assertThat(LocalAnswers.reply(messages))
        .isNotEqualTo(
            LocalAnswers.reply(
                DspyPrompts.messages(DspyPrompts.COT_SYSTEM, DspyPrompts.cotUser("Other?"))));
  }

  @Test
  void typedOutputFieldsGetValuesOfThatType() {
    String user =
        "[[ ## question ## ]]\nIs the sky blue?\n\n"
            + "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then "
            + "`[[ ## confidence ## ]]` (must be formatted as a valid Python float), then `[[ ## correct ## ]]` "
            + "(must be formatted as a valid Python bool), then `[[ ## words ## ]]` (must be formatted as a valid Python int), "
            + "then `[[ ## verdict ## ]]` (must be formatted as a valid Python Literal['yes', 'no']), and then ending "
            + "with the marker for `[[ ## completed ## ]]`.";
    String reply = LocalAnswers.reply(DspyPrompts.messages("system", user));
    assertThat(reply)
        .contains("[[ ## confidence ## ]]\n0.9\n")
        .contains("[[ ## correct ## ]]\nTrue\n")
        .contains("[[ ## words ## ]]\n4\n")
        .contains("[[ ## verdict ## ]]\nyes\n")
        .contains(
            "[[ ## answer ## ]]\nA deterministic answer from the local gateway to \"Is the sky blue?\".");
  }

  @Test
  void aJsonAdapterPromptGetsAJsonObjectInFieldOrder() throws Exception {
    String user =
        "[[ ## question ## ]]\nWhat is 2+2?\n\n"
            + "Respond with a JSON object in the following order of fields: `reasoning`, then `answer`, then "
            + "`confidence` (must be formatted as a valid Python float).";
    JsonNode reply =
        DspyPrompts.JSON.readTree(LocalAnswers.reply(DspyPrompts.messages("system", user)));
    assertThat(reply.fieldNames())
        .toIterable()
        .containsExactly("reasoning", "answer", "confidence");
    assertThat(reply.get("confidence").asDouble()).isEqualTo(0.9);
    assertThat(reply.get("answer").asText()).contains("What is 2+2?");
  }

  @Test
  void aPlainPromptGetsPlainText() {
    var messages = DspyPrompts.JSON.createArrayNode();
    messages.addObject().put("role", "user").put("content", "Hello, world!");
    assertThat(LocalAnswers.reply(messages))
        .contains("local gateway")
        .contains("Hello, world!")
        .doesNotContain("[[");
  }

  @Test
  void tokensSplitMarkersLikeAModelDoesAndJoinBackExactly() {
    String text = "[[ ## answer ## ]]\nFive floors.\n\n[[ ## completed ## ]]";
    var tokens = LocalAnswers.tokens(text);
    assertThat(String.join("", tokens)).isEqualTo(text);
    assertThat(tokens).startsWith("[[", " ##", " answer", " ##", " ]]");
  }
}
