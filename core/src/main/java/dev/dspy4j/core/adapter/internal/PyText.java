package dev.dspy4j.core.adapter.internal;

import java.util.ArrayList;
import java.util.List;

/** Python's string helpers that DSPy's prompts depend on: strip, splitlines, textwrap.dedent. */
public final class PyText {

  private PyText() {}

  /** Python's {@code str.isspace()} for one char. */
  public static boolean isSpace(char c) {
    if (c < 0x80)
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f'); // hot: ASCII
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** A line boundary for Python's {@code str.splitlines()}. */
  public static boolean isLineBreak(char c) {
    if (c > '\u001e' && c < '\u0085') return false; // hot: printable ASCII
    return c == '\n'
        || c == '\r'
        || c == '\u000b'
        || c == '\u000c'
        || c == '\u001c'
        || c == '\u001d'
        || c == '\u001e'
        || c == '\u0085'
        || c == '\u2028'
        || c == '\u2029';
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

  /**
   * Python 3.11's {@code textwrap.dedent}: lines of only spaces and tabs become empty, then the
   * longest run of spaces and tabs common to the start of every line that has other content (a line
   * holding only {@code \r} counts) is removed. Lines are split on {@code \n} only.
   */
  public static String dedent(String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isEmpty() && indentOf(lines[i]) == lines[i].length()) lines[i] = "";
    }
    String margin = null;
    for (String line : lines) {
      int k = indentOf(line);
      if (k == line.length()) continue; // empty (or only spaces and tabs, emptied above)
      String indent = line.substring(0, k);
      if (margin == null || margin.startsWith(indent)) {
        margin = indent;
      } else if (!indent.startsWith(margin)) {
        int m = 0;
        while (m < margin.length() && m < indent.length() && margin.charAt(m) == indent.charAt(m))
          m++;
        margin = margin.substring(0, m);
      }
    }
    var sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) sb.append('\n');
      String line = lines[i];
      sb.append(
          margin != null && !margin.isEmpty() && line.startsWith(margin)
              ? line.substring(margin.length())
              : line);
    }
    return sb.toString();
  }

  private static int indentOf(String line) {
    int k = 0;
    while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) k++;
    return k;
  }

  /**
   * Python's {@code inspect.cleandoc}, which DSPy applies to a signature's instructions: tabs
   * expanded ({@code str.expandtabs()}, columns restart after {@code \n} and {@code \r}), lines
   * split on {@code \n}, the first line left-stripped, the smallest indentation of the other lines
   * that have content after {@link #lstrip} (Python's whitespace, including {@code \r} and
   * non-breaking spaces) cut from each of them, then leading and trailing empty lines dropped.
   */
  public static String cleandoc(String doc) {
    var lines = new ArrayList<>(List.of(expandTabs(doc).split("\n", -1)));
    int margin = Integer.MAX_VALUE;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int content = lstrip(line).length();
      if (content > 0) margin = Math.min(margin, line.length() - content);
    }
    lines.set(0, lstrip(lines.get(0)));
    if (margin < Integer.MAX_VALUE) {
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        lines.set(i, line.length() <= margin ? "" : line.substring(margin));
      }
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty())
      lines.remove(lines.size() - 1);
    while (!lines.isEmpty() && lines.get(0).isEmpty()) lines.remove(0);
    return String.join("\n", lines);
  }

  /** Python's {@code str.expandtabs()} (tab size 8; columns counted in code points). */
  public static String expandTabs(String s) {
    if (s.indexOf('\t') < 0) return s;
    var sb = new StringBuilder();
    int column = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\t') {
        int spaces = 8 - column % 8;
        sb.append(" ".repeat(spaces));
        column += spaces;
      } else {
        sb.appendCodePoint(cp);
        column = cp == '\n' || cp == '\r' ? 0 : column + 1;
      }
    }
    return sb.toString();
  }
}
