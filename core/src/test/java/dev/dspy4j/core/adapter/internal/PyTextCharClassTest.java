package dev.dspy4j.core.adapter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The ASCII fast paths of {@link PyText#isSpace} and {@link PyText#isLineBreak} change no answer.
 */
class PyTextCharClassTest {

  @Test
  void everyCharIsClassifiedAsByTheFullRules() {
    for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
      char ch = (char) c;
      boolean space = Character.isWhitespace(ch) || Character.isSpaceChar(ch) || ch == '\u0085';
      boolean lineBreak =
          ch == '\n'
              || ch == '\r'
              || ch == '\u000b'
              || ch == '\u000c'
              || ch == '\u001c'
              || ch == '\u001d'
              || ch == '\u001e'
              || ch == '\u0085'
              || ch == '\u2028'
              || ch == '\u2029';
      assertThat(PyText.isSpace(ch)).as("isSpace(U+%04X)", c).isEqualTo(space);
      assertThat(PyText.isLineBreak(ch)).as("isLineBreak(U+%04X)", c).isEqualTo(lineBreak);
    }
  }
}
