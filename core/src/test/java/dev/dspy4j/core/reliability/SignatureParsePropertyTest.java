package dev.dspy4j.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dspy4j.core.signature.Signature;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Any string given as a signature parses to a signature with inputs and outputs, or raises an
 * {@link IllegalArgumentException} with a message, never another exception, never a hang.
 */
class SignatureParsePropertyTest {

  private static final String[] FRAGMENTS = {
    "question",
    "answer",
    "context",
    "q",
    "a",
    "_x",
    "x1",
    "1x",
    "é",
    "π",
    "😀",
    "class",
    "self",
    "->",
    "-",
    ">",
    ",",
    ":",
    " ",
    "  ",
    "\t",
    "\n",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
    "tuple",
    "Optional",
    "Union",
    "Literal",
    "Any",
    "list[str]",
    "dict[str, int]",
    "Optional[int]",
    "Literal['a', 'b']",
    "Literal[\"x\"]",
    "tuple[int, ...]",
    "Union[int, str]",
    "int | None",
    "[",
    "]",
    "(",
    ")",
    "'",
    "\"",
    "\\",
    "'a,b'",
    "\"->\"",
    "None",
    "=",
    "#",
    "\u0000",
    "\ufffd",
    "\ud800",
  };

  @RepeatedTest(300)
  void anyStringParsesOrRaisesIllegalArgumentException(RepetitionInfo repetition) {
    var random = new Random(repetition.getCurrentRepetition());
    var sb = new StringBuilder();
    for (int i = random.nextInt(25); i > 0; i--) {
      int kind = random.nextInt(12);
      if (kind == 0) {
        sb.append("[".repeat(random.nextInt(2000)));
      } else if (kind == 1) {
        sb.append((char) random.nextInt(0x10000));
      } else {
        sb.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
      }
    }
    String text = sb.toString();

    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          try {
            Signature signature = Signature.parse(text);
            assertThat(signature.inputs()).isNotEmpty();
            assertThat(signature.outputs()).isNotEmpty();
          } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
          }
        },
        () -> "seed " + repetition.getCurrentRepetition() + ": " + text);
  }
}
