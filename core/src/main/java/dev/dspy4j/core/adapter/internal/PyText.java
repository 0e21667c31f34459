package dev.dspy4j.core.adapter.internal;

import java.util.ArrayList;
import java.util.List;

/** Python's string helpers that DSPy's prompts depend on: strip, splitlines, textwrap.dedent. */
public final class PyText {

  private PyText() {}

  /** Python's {@code str.isspace()} for one char. */
  public static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** A line boundary for Python's {@code str.splitlines()}. */
  public static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
        || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /** Python's {@code str.strip()}. */
  public static String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isSpace(s.charAt(a))) a++;
    while (b > a && isSpace(s.charAt(b - 1))) b--;
    return s.substring(a, b);
  }

  /** Python's {@code str.lstrip()}. */
  public static String lstrip(String s) {
    int a = 0;
    while (a < s.length() && isSpace(s.charAt(a))) a++;
    return s.substring(a);
  }

  /** Python's {@code str.splitlines()} ({@code \r\n} is one break; no trailing empty line). */
  public static List<String> splitlines(String s) {
    var out = new ArrayList<String>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isLineBreak(c)) {
        out.add(s.substring(start, i));
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
        start = i + 1;
      }
      i++;
    }
    if (start < s.length()) out.add(s.substring(start));
    return out;
  }

  /** Python's {@code textwrap.dedent}: removes the common leading whitespace of non-blank lines. */
  public static String dedent(String text) {
    String[] lines = text.split("\n", -1);
    String margin = null;
    for (String line : lines) {
      if (line.isBlank()) continue;
      int k = 0;
      while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) k++;
      String indent = line.substring(0, k);
      if (margin == null) {
        margin = indent;
      } else {
        int m = 0;
        while (m < margin.length() && m < indent.length() && margin.charAt(m) == indent.charAt(m)) m++;
        margin = margin.substring(0, m);
      }
    }
    var sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) sb.append('\n');
      String line = lines[i];
      if (line.isBlank()) continue;
      sb.append(margin == null ? line : line.substring(margin.length()));
    }
    return sb.toString();
  }
}
