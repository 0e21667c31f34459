package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.History;
import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The expected strings are copied from DSPy's tests/adapters/test_chat_adapter.py
 * (test_chat_adapter_format_exact_messages_*) and the ChainOfThought example of the spec.
 */
class ChatAdapterFormatTest {

  private final ChatAdapter adapter = new ChatAdapter();

  @Test
  void simpleQaMatchesDspyByteForByte() {
    var sig = Signature.parse("question -> answer", "Answer the question.");
    var messages =
        adapter.format(sig, List.of(), Map.of("question", "What is the capital of France?"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                """
            Your input fields are:
            1. `question` (str):
            Your output fields are:
            1. `answer` (str):
            All interactions will be structured in the following way, with the appropriate values filled in.

            [[ ## question ## ]]
            {question}

            [[ ## answer ## ]]
            {answer}

            [[ ## completed ## ]]
            In adhering to this structure, your objective is:\s
                    Answer the question."""),
            Message.user(
                """
            [[ ## question ## ]]
            What is the capital of France?

            Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then \
            ending with the marker for `[[ ## completed ## ]]`."""));
  }

  @Test
  void chainOfThoughtExampleOfTheSpec() {
    var sig = dev.dspy4j.core.predict.ChainOfThought.of("question -> answer").signature();
    var messages = adapter.format(sig, List.of(), Map.of("question", "What is 2+2?"));
    assertThat(messages.get(0).content())
        .isEqualTo(
            "Your input fields are:\n"
                + "1. `question` (str):\n"
                + "Your output fields are:\n"
                + "1. `reasoning` (str): \n"
                + "2. `answer` (str):\n"
                + "All interactions will be structured in the following way, with the appropriate values filled in.\n"
                + "\n"
                + "[[ ## question ## ]]\n"
                + "{question}\n"
                + "\n"
                + "[[ ## reasoning ## ]]\n"
                + "{reasoning}\n"
                + "\n"
                + "[[ ## answer ## ]]\n"
                + "{answer}\n"
                + "\n"
                + "[[ ## completed ## ]]\n"
                + "In adhering to this structure, your objective is: \n"
                + "        Given the fields `question`, produce the fields `answer`.");
    assertThat(messages.get(1))
        .isEqualTo(
            Message.user(
                "[[ ## question ## ]]\nWhat is 2+2?\n\n"
                    + "Respond with the corresponding output fields, starting with the field `[[ ## reasoning ## ]]`, then "
                    + "`[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`."));
  }

  @Test
  void typedOutputsWithADemoMatchDspy() {
    var sig =
        Signature.parse(
            "question: str -> answers: list[str], scores: list[float]",
            "Answer the question with multiple answers and scores");
    var messages =
        adapter.format(
            sig,
            List.of(
                Map.of(
                    "question", "Q1", "answers", List.of("A1", "A2"), "scores", List.of(0.1, 0.9))),
            Map.of("question", "Q2"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                """
            Your input fields are:
            1. `question` (str):
            Your output fields are:
            1. `answers` (list[str]):\s
            2. `scores` (list[float]):
            All interactions will be structured in the following way, with the appropriate values filled in.

            [[ ## question ## ]]
            {question}

            [[ ## answers ## ]]
            {answers}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "string"}}

            [[ ## scores ## ]]
            {scores}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "number"}}

            [[ ## completed ## ]]
            In adhering to this structure, your objective is:\s
                    Answer the question with multiple answers and scores"""),
            Message.user("[[ ## question ## ]]\nQ1"),
            Message.assistant(
                """
            [[ ## answers ## ]]
            ["A1", "A2"]

            [[ ## scores ## ]]
            [0.1, 0.9]

            [[ ## completed ## ]]
            """),
            Message.user(
                """
            [[ ## question ## ]]
            Q2

            Respond with the corresponding output fields, starting with the field `[[ ## answers ## ]]` (must be \
            formatted as a valid Python list[str]), then `[[ ## scores ## ]]` (must be formatted as a valid Python \
            list[float]), and then ending with the marker for `[[ ## completed ## ]]`."""));
  }

  record Address(String city, String country) {}

  record Person(String name, Address address, List<String> tags) {}

  record Summary(String headline, double score) {}

  record PersonIn(Person person) {}

  record SummaryOut(Summary summary) {}

  @Test
  void nestedRecordSchemaMatchesDspyPydanticCase() {
    var sig = Signature.of(PersonIn.class, SummaryOut.class);
    var person = new Person("Ada", new Address("London", "UK"), List.of("math", "code"));
    var messages = adapter.format(sig, List.of(), Map.of("person", person));
    assertThat(messages)
        .containsExactly(
            Message.system(
                "Your input fields are:\n"
                    + "1. `person` (Person):\n"
                    + "Your output fields are:\n"
                    + "1. `summary` (Summary):\n"
                    + "All interactions will be structured in the following way, with the appropriate "
                    + "values filled in.\n"
                    + "\n"
                    + "[[ ## person ## ]]\n"
                    + "{person}\n"
                    + "\n"
                    + "[[ ## summary ## ]]\n"
                    + "{summary}        # note: the value you produce must adhere to the JSON schema: "
                    + "{\"type\": \"object\", \"properties\": {\"headline\": {\"type\": \"string\", \"title\": "
                    + "\"Headline\"}, \"score\": {\"type\": \"number\", \"title\": \"Score\"}}, \"required\": "
                    + "[\"headline\", \"score\"], \"title\": \"Summary\"}\n"
                    + "\n"
                    + "[[ ## completed ## ]]\n"
                    + "In adhering to this structure, your objective is: \n"
                    + "        Given the fields `person`, produce the fields `summary`."),
            Message.user(
                "[[ ## person ## ]]\n"
                    + "{\"name\": \"Ada\", \"address\": {\"city\": \"London\", \"country\": \"UK\"}, \"tags\": [\"math\", "
                    + "\"code\"]}\n"
                    + "\n"
                    + "Respond with the corresponding output fields, starting with the field `[[ ## summary "
                    + "## ]]` (must be formatted as a valid Python Summary), and then ending with the "
                    + "marker for `[[ ## completed ## ]]`."));
  }

  @Test
  void incompleteDemoMatchesDspy() {
    var sig = Signature.parse("question: str, context: str -> answer: str, confidence: float");
    var messages =
        adapter.format(
            sig,
            List.of(Map.of("question", "Q1", "answer", "A1")),
            Map.of("question", "Q2", "context", "C2"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                "Your input fields are:\n"
                    + "1. `question` (str): \n"
                    + "2. `context` (str):\n"
                    + "Your output fields are:\n"
                    + "1. `answer` (str): \n"
                    + "2. `confidence` (float):\n"
                    + "All interactions will be structured in the following way, with the appropriate "
                    + "values filled in.\n"
                    + "\n"
                    + "[[ ## question ## ]]\n"
                    + "{question}\n"
                    + "\n"
                    + "[[ ## context ## ]]\n"
                    + "{context}\n"
                    + "\n"
                    + "[[ ## answer ## ]]\n"
                    + "{answer}\n"
                    + "\n"
                    + "[[ ## confidence ## ]]\n"
                    + "{confidence}        # note: the value you produce must be a single float value\n"
                    + "\n"
                    + "[[ ## completed ## ]]\n"
                    + "In adhering to this structure, your objective is: \n"
                    + "        Given the fields `question`, `context`, produce the fields `answer`, "
                    + "`confidence`."),
            Message.user(
                "This is an example of the task, though some input or output fields are not "
                    + "supplied.\n"
                    + "\n"
                    + "[[ ## question ## ]]\n"
                    + "Q1"),
            Message.assistant(
                "[[ ## answer ## ]]\n"
                    + "A1\n"
                    + "\n"
                    + "[[ ## confidence ## ]]\n"
                    + "Not supplied for this particular example.\n"
                    + "\n"
                    + "[[ ## completed ## ]]\n"),
            Message.user(
                "[[ ## question ## ]]\n"
                    + "Q2\n"
                    + "\n"
                    + "[[ ## context ## ]]\n"
                    + "C2\n"
                    + "\n"
                    + "Respond with the corresponding output fields, starting with the field `[[ ## answer "
                    + "## ]]`, then `[[ ## confidence ## ]]` (must be formatted as a valid Python float), "
                    + "and then ending with the marker for `[[ ## completed ## ]]`."));
  }

  @Test
  void missingOutputInTheMiddleOfAnIncompleteDemoKeepsDspysTrailingSpace() {
    var sig = Signature.parse("question -> reasoning, answer");
    var messages =
        adapter.format(
            sig, List.of(Map.of("question", "Q1", "answer", "A1")), Map.of("question", "Q2"));
    assertThat(messages.get(2).content())
        .isEqualTo(
            "[[ ## reasoning ## ]]\nNot supplied for this particular example. \n\n[[ ## answer ## ]]\nA1\n\n"
                + "[[ ## completed ## ]]\n");
  }

  @Test
  void demoWithoutAnyOutputIsDropped() {
    var sig = Signature.parse("question -> answer");
    var messages = adapter.format(sig, List.of(Map.of("question", "Q1")), Map.of("question", "Q2"));
    assertThat(messages).hasSize(2);
  }

  @Test
  void historyBecomesUserAssistantPairsAsDspyRendersIt() {
    var sig = Signature.parse("history: dspy.History, question: str -> answer: str");
    var history =
        History.of(
            Map.of("question", "What is 1+1?", "answer", "2"),
            Map.of("question", "What is 2+2?", "answer", "4"));
    var messages =
        adapter.format(sig, List.of(), Map.of("history", history, "question", "What is 3+3?"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                "Your input fields are:\n"
                    + "1. `history` (History): \n"
                    + "2. `question` (str):\n"
                    + "Your output fields are:\n"
                    + "1. `answer` (str):\n"
                    + "All interactions will be structured in the following way, with the appropriate "
                    + "values filled in.\n"
                    + "\n"
                    + "[[ ## history ## ]]\n"
                    + "{history}\n"
                    + "\n"
                    + "[[ ## question ## ]]\n"
                    + "{question}\n"
                    + "\n"
                    + "[[ ## answer ## ]]\n"
                    + "{answer}\n"
                    + "\n"
                    + "[[ ## completed ## ]]\n"
                    + "In adhering to this structure, your objective is: \n"
                    + "        Given the fields `history`, `question`, produce the fields `answer`."),
            Message.user("[[ ## question ## ]]\nWhat is 1+1?"),
            Message.assistant("[[ ## answer ## ]]\n2\n\n[[ ## completed ## ]]\n"),
            Message.user("[[ ## question ## ]]\nWhat is 2+2?"),
            Message.assistant("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]\n"),
            Message.user(
                "[[ ## question ## ]]\n"
                    + "What is 3+3?\n"
                    + "\n"
                    + "Respond with the corresponding output fields, starting with the field `[[ ## answer "
                    + "## ]]`, and then ending with the marker for `[[ ## completed ## ]]`."));
  }

  @Test
  void listGivenToAStrInputIsANumberedList() {
    var sig = Signature.parse("context: str -> answer: str");
    var messages = adapter.format(sig, List.of(), Map.of("context", List.of("alpha", "beta")));
    assertThat(messages.get(1).content())
        .isEqualTo(
            "[[ ## context ## ]]\n"
                + "[1] «alpha»\n"
                + "[2] «beta»\n"
                + "\n"
                + "Respond with the corresponding output fields, starting with the field `[[ ## answer "
                + "## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.");
    assertThat(messages.get(0).content())
        .startsWith("Your input fields are:\n1. `context` (str):\n");
  }

  @Test
  void listItemsWithNewlinesOneItemAndEmptyListRenderAsDspy() {
    var f = Signature.parse("context -> answer").inputs().get(0);
    assertThat(ChatAdapter.formatValue(f, List.of("a"))).isEqualTo("«a»");
    assertThat(ChatAdapter.formatValue(f, List.of())).isEqualTo("N/A");
    assertThat(ChatAdapter.formatValue(f, List.of("x\ny", "z")))
        .isEqualTo("[1] «««\n    x\n    y\n»»»\n[2] «z»");
  }

  @Test
  void literalOutputMatchesDspy() {
    var sig = Signature.parse("question: str -> verdict: Literal['yes', 'no']");
    var messages = adapter.format(sig, List.of(), Map.of("question", "Is the sky blue?"));
    assertThat(messages)
        .containsExactly(
            Message.system(
                "Your input fields are:\n"
                    + "1. `question` (str):\n"
                    + "Your output fields are:\n"
                    + "1. `verdict` (Literal['yes', 'no']):\n"
                    + "All interactions will be structured in the following way, with the appropriate "
                    + "values filled in.\n"
                    + "\n"
                    + "[[ ## question ## ]]\n"
                    + "{question}\n"
                    + "\n"
                    + "[[ ## verdict ## ]]\n"
                    + "{verdict}        # note: the value you produce must exactly match (no extra "
                    + "characters) one of: yes; no\n"
                    + "\n"
                    + "[[ ## completed ## ]]\n"
                    + "In adhering to this structure, your objective is: \n"
                    + "        Given the fields `question`, produce the fields `verdict`."),
            Message.user(
                "[[ ## question ## ]]\n"
                    + "Is the sky blue?\n"
                    + "\n"
                    + "Respond with the corresponding output fields, starting with the field `[[ ## verdict "
                    + "## ]]` (must be formatted as a valid Python Literal['yes', 'no']), and then ending "
                    + "with the marker for `[[ ## completed ## ]]`."));
  }

  @Test
  void boolIntAndDictValuesRenderAsPython() {
    var sig =
        Signature.parse("flag: bool, count: int, scores: dict[str, float] -> ok: bool, n: int");
    var messages =
        adapter.format(
            sig,
            List.of(),
            Map.of(
                "flag",
                true,
                "count",
                3,
                "scores",
                new java.util.TreeMap<>(Map.of("a", 1.0, "ü", 0.5))));
    assertThat(messages.get(1).content())
        .startsWith(
            "[[ ## flag ## ]]\nTrue\n\n[[ ## count ## ]]\n3\n\n[[ ## scores ## ]]\n{\"a\": 1.0, \"ü\": 0.5}\n\n");
    assertThat(messages.get(0).content())
        .contains("{ok}        # note: the value you produce must be True or False")
        .contains("{n}        # note: the value you produce must be a single int value");
  }

  @Test
  void multiLineInstructionsAreCleanedLikeADocstringAndIndentedByEightSpaces() {
    // DSPy reads instructions through inspect.cleandoc, then dedents and indents each line.
    var sig =
        Signature.parse("q -> a", "  First line.\n    Second, indented.\n      Third, deeper.\n\n");
    assertThat(sig.instructions()).isEqualTo("First line.\nSecond, indented.\n  Third, deeper.");
    assertThat(adapter.systemMessage(sig))
        .endsWith(
            "In adhering to this structure, your objective is: \n        First line.\n        Second, indented.\n"
                + "          Third, deeper.");
  }

  record ToolCall(String name, Map<String, Object> args) {}

  record ToolCalls(List<ToolCall> tool_calls) {}

  record Ask(String question) {}

  record Act(String next_thought, ToolCalls tool_calls) {}

  /**
   * Schema with $defs, a $ref inside an array and dict[str, Any], from DSPy's tool-history test.
   */
  @Test
  void nestedRecordsGoToDefsWithDspysKeyOrder() {
    var sig = Signature.of(Ask.class, Act.class);
    assertThat(adapter.systemMessage(sig))
        .contains(
            "[[ ## next_thought ## ]]\n{next_thought}\n\n"
                + "[[ ## tool_calls ## ]]\n"
                + "{tool_calls}        # note: the value you produce must adhere to the JSON schema: {\"type\": \"object\", "
                + "\"$defs\": {\"ToolCall\": {\"type\": \"object\", \"properties\": {\"args\": {\"type\": \"object\", "
                + "\"additionalProperties\": true, \"title\": \"Args\"}, \"name\": {\"type\": \"string\", \"title\": \"Name\"}}, "
                + "\"required\": [\"name\", \"args\"], \"title\": \"ToolCall\"}}, \"properties\": {\"tool_calls\": {\"type\": \"array\", "
                + "\"items\": {\"$ref\": \"#/$defs/ToolCall\"}, \"title\": \"Tool Calls\"}}, \"required\": [\"tool_calls\"], \"title\": "
                + "\"ToolCalls\"}\n\n[[ ## completed ## ]]\n");
    var parsed =
        adapter.parse(
            sig,
            "[[ ## next_thought ## ]]\nsearch\n[[ ## tool_calls ## ]]\n"
                + "{\"tool_calls\": [{\"name\": \"search\", \"args\": {\"q\": \"x\", \"k\": 3}}]}");
    assertThat(parsed.get("tool_calls"))
        .isEqualTo(new ToolCalls(List.of(new ToolCall("search", Map.of("q", "x", "k", 3L)))));
  }
}
