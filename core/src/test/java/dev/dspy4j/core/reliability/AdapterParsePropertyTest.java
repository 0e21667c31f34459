package dev.dspy4j.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dspy4j.core.adapter.Adapter;
import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.signature.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Whatever an LM answers, ChatAdapter and JsonAdapter parsing gives a value for every output field
 * or an {@link AdapterParseException}, never another exception, never a hang. LM outputs are random
 * mixes of field markers, JSON and Python literals, broken syntax, deep nesting and arbitrary
 * characters, seeded by the repetition number.
 */
class AdapterParsePropertyTest {

  private static final List<Signature> SIGNATURES =
      List.of(
          Signature.parse("question -> answer"),
          Signature.parse("question -> reasoning, answer: int"),
          Signature.parse("q -> score: float, ok: bool, tags: list[str], meta: dict[str, int]"),
          Signature.parse(
              "q -> choice: Literal['yes', 'no'], maybe: Optional[int], pair: int | None"),
          Signature.parse("q -> nested: list[dict[str, list[float]]], any: Any"));

  private static final List<Adapter> ADAPTERS = List.of(new ChatAdapter(), new JsonAdapter());

  private static final String[] FRAGMENTS = {
    "[[ ## answer ## ]]",
    "[[ ## reasoning ## ]]",
    "[[ ## score ## ]]",
    "[[ ## ok ## ]]",
    "[[ ## tags ## ]]",
    "[[ ## meta ## ]]",
    "[[ ## choice ## ]]",
    "[[ ## maybe ## ]]",
    "[[ ## nested ## ]]",
    "[[ ## any ## ]]",
    "[[ ## completed ## ]]",
    "[[ ## ",
    " ## ]]",
    "[[",
    "]]",
    "##",
    "\n",
    "\r\n",
    " ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    ":",
    ",",
    "\\",
    "\\u",
    "\\ud83d",
    "```json\n",
    "```",
    "true",
    "false",
    "True",
    "False",
    "None",
    "null",
    "NaN",
    "Infinity",
    "-",
    "0",
    "42",
    "-7",
    "3.14",
    "1e309",
    "1e-400",
    "99999999999999999999999999",
    "0x1F",
    "1_000",
    "\"answer\"",
    "\"score\"",
    "\"ok\"",
    "\"tags\"",
    "\"meta\"",
    "\"choice\"",
    "\"pair\"",
    "\"nested\"",
    "\"yes\"",
    "'no'",
    "\"a\": 1",
    "\"answer\": \"x\"",
    "{\"answer\": 5, \"reasoning\": \"r\"}",
    "{\"score\": 0.5, \"ok\": true, \"tags\": [\"a\"], \"meta\": {\"k\": 1}}",
    "é",
    "😀",
    "\u0000",
    "\u202e",
    "\ufffd",
    "\uFEFF",
    "\ud800",
    "text",
    "Answer:",
    "yes",
    "no",
  };

  private static String randomOutput(Random random) {
    var sb = new StringBuilder();
    int parts = random.nextInt(60);
    for (int i = 0; i < parts; i++) {
      int kind = random.nextInt(20);
      if (kind == 0) {
        sb.append(
            "[".repeat(random.nextInt(1500))); // deep nesting, beyond the reader's limit of 500
      } else if (kind == 1) {
        sb.append("{\"a\":".repeat(random.nextInt(1000)));
      } else if (kind == 2) {
        sb.append((char) random.nextInt(0x10000)); // any UTF-16 unit, lone surrogates included
      } else {
        sb.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
      }
    }
    return sb.toString();
  }

  @RepeatedTest(200)
  void parsingAnyOutputGivesAValueOrAnAdapterParseException(RepetitionInfo repetition) {
    var random = new Random(repetition.getCurrentRepetition());
    String output = randomOutput(random);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (Signature signature : SIGNATURES) {
            for (Adapter adapter : ADAPTERS) {
              try {
                Map<String, Object> parsed = adapter.parse(signature, output);
                assertThat(parsed.keySet())
                    .as("%s parsed every output field", adapter.name())
                    .containsAll(signature.outputs().stream().map(f -> f.name()).toList());
              } catch (AdapterParseException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                assertThat(expected.rawResponse()).isEqualTo(output);
              }
            }
          }
        },
        () -> "seed " + repetition.getCurrentRepetition());
  }
}
