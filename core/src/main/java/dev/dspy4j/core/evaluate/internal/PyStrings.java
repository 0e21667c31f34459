package dev.dspy4j.core.evaluate.internal;

import dev.dspy4j.core.adapter.internal.PyText;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str} rules that DSPy's metrics depend on: word characters of {@code re}, {@code
 * split()}.
 */
public final class PyStrings {

  private PyStrings() {}

  /**
   * A word character of Python's {@code re} on a {@code str} ({@code \w}): {@code str.isalnum()} or
   * {@code _}. Unlike Java's Unicode {@code \w}, combining marks are not word characters, and other
   * numbers (such as {@code ½}) are.
   */
  public static boolean isWordChar(int cp) {
    if (cp == '_' || Character.isLetter(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  /** Python's {@code str.split()} with no separator: runs of non-whitespace. */
  public static List<String> split(String s) {
    var out = new ArrayList<String>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && PyText.isSpace(s.charAt(i))) i++;
      int start = i;
      while (i < n && !PyText.isSpace(s.charAt(i))) i++;
      if (i > start) out.add(s.substring(start, i));
    }
    return out;
  }
}
