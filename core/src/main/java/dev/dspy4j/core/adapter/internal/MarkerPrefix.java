package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.adapter.ChatAdapter;

/**
 * Follows, one character at a time, whether a line can still start with a ChatAdapter field marker
 * {@code [[ ## name ## ]]} ({@link ChatAdapter#FIELD_HEADER}): the same answers as running that
 * regex's {@code lookingAt()}/{@code hitEnd()} on the line after every character, without a regex
 * or a substring per character. {@code name} is one or more {@code \w} characters in Java's Unicode
 * sense (the pattern's {@code UNICODE_CHARACTER_CLASS}), supplementary characters included. Not
 * thread-safe; one per splitter.
 */
final class MarkerPrefix {

  /** What the line is after one more character. */
  enum State {
    /** It is still a prefix of some marker. */
    POSSIBLE,
    /** It now ends with a complete marker. */
    COMPLETE,
    /** It can no longer start with a marker. */
    IMPOSSIBLE
  }

  static final String OPEN = "[[ ## ";
  static final String CLOSE = " ## ]]";

  /** Characters of OPEN matched; OPEN.length() once in the name. */
  private int open;

  /** Name characters (code points) seen. */
  private int name;

  /** Characters of CLOSE matched. */
  private int close;

  /** A high surrogate waiting for its low half, inside the name. */
  private char high;

  /** Starts over for a new line. */
  void reset() {
    open = 0;
    name = 0;
    close = 0;
    high = 0;
  }

  /** Takes the next character of the line (after its leading whitespace). */
  State next(char c) {
    if (open < OPEN.length()) {
      return c == OPEN.charAt(open++) ? State.POSSIBLE : State.IMPOSSIBLE;
    }
    if (close > 0) {
      if (c != CLOSE.charAt(close)) {
        return State.IMPOSSIBLE;
      }
      close++;
      return close == CLOSE.length() ? State.COMPLETE : State.POSSIBLE;
    }
    if (high != 0) {
      boolean word = Character.isLowSurrogate(c) && isWord(Character.toCodePoint(high, c));
      high = 0;
      return word ? named() : State.IMPOSSIBLE;
    }
    if (Character.isHighSurrogate(c)) {
      high = c;
      return State.POSSIBLE;
    }
    if (isWord(c)) {
      return named();
    }
    if (c == ' ' && name > 0) {
      close = 1;
      return State.POSSIBLE;
    }
    return State.IMPOSSIBLE;
  }

  private State named() {
    name++;
    return State.POSSIBLE;
  }

  /**
   * {@code \w} with {@code UNICODE_CHARACTER_CLASS}: alphabetic, digit, mark, connector, joiner.
   */
  static boolean isWord(int cp) {
    if (Character.isAlphabetic(cp) || Character.isDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.CONNECTOR_PUNCTUATION
        || cp == 0x200C
        || cp == 0x200D;
  }
}
