package dev.dspy4j.core.adapter.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A forgiving reader for values LMs write: JSON plus Python literal syntax, as DSPy accepts through
 * {@code json_repair} and {@code ast.literal_eval}: single-quoted strings, {@code True/False/None},
 * trailing commas, tuples, digits grouped with {@code _}, unquoted object keys. Produces
 * LinkedHashMap, ArrayList, String, Long/BigInteger, Double, Boolean and null.
 */
public final class LenientJson {

  /** Deeper nesting is refused: the reader is recursive, and LM output may nest without end. */
  static final int MAX_DEPTH = 500;

  private final String s;
  private int i;
  private int depth;
  /** Repair mode: an unexpected end closes open strings, arrays and objects (truncated output). */
  private boolean repair;

  /** What {@link #repair} returns when the text holds no JSON container at all. */
  public static final Object NOT_JSON = new Object();

  private LenientJson(String s) {
    this.s = s;
  }

  /**
   * Parses the whole text as one value.
   *
   * @throws IllegalArgumentException when it is not one complete value
   */
  public static @Nullable Object parse(String text) {
    var p = new LenientJson(text);
    p.ws();
    Object v = p.value();
    p.ws();
    if (p.i != text.length()) throw p.fail("unexpected trailing text");
    return v;
  }

  /**
   * Reads a value the way DSPy's {@code json_repair.loads} recovers one from an LM's text: the
   * whole text when it is one value; else the content of a fenced block ({@code ```json ... ```});
   * else, from the first {@code {} or {@code [}, one container whose truncated end is completed
   * (open strings, arrays and objects closed) and after which other text is ignored. Comments
   * ({@code //}, {@code /* *\/}) count as whitespace. Returns {@link #NOT_JSON} when the text holds
   * no container.
   */
  public static @Nullable Object repair(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException notOneValue) {
      // try the recoveries below
    }
    int fence = text.indexOf("```");
    if (fence >= 0) {
      int bodyStart = text.indexOf('\n', fence);
      int close = bodyStart < 0 ? -1 : text.indexOf("```", bodyStart);
      if (bodyStart >= 0) {
        Object inner = repair(text.substring(bodyStart + 1, close < 0 ? text.length() : close));
        if (inner != NOT_JSON) return inner;
      }
    }
    int start = -1;
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '{' || c == '[') {
        start = k;
        break;
      }
    }
    if (start < 0) return NOT_JSON;
    var p = new LenientJson(text);
    p.repair = true;
    p.i = start;
    try {
      return p.value();
    } catch (IllegalArgumentException e) {
      return NOT_JSON;
    }
  }

  /** The first balanced {@code {...}} in the text (strings respected), if any. */
  public static Optional<String> firstObject(String text) {
    int start = text.indexOf('{');
    while (start >= 0) {
      int depth = 0;
      char quote = 0;
      for (int k = start; k < text.length(); k++) {
        char c = text.charAt(k);
        if (quote != 0) {
          if (c == '\\') k++;
          else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          return Optional.of(text.substring(start, k + 1));
        }
      }
      start = text.indexOf('{', start + 1);
    }
    return Optional.empty();
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw fail("nested deeper than " + MAX_DEPTH + " levels");
  }

  private @Nullable Object value() {
    if (i >= s.length()) throw fail("unexpected end");
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array(']');
      case '(':
        return array(')');
      case '"':
      case '\'':
        return string();
      default:
        if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) return number();
        String word = word();
        switch (word) {
          case "true":
          case "True":
            return Boolean.TRUE;
          case "false":
          case "False":
            return Boolean.FALSE;
          case "null":
          case "None":
            return null;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "NaN":
            return Double.NaN;
          default:
            throw fail("unexpected '" + word + "'");
        }
    }
  }

  private LinkedHashMap<String, Object> object() {
    enter();
    i++;
    var out = new LinkedHashMap<String, Object>();
    while (true) {
      ws();
      if (repair && i >= s.length()) {
        depth--;
        return out;
      }
      if (peek('}')) {
        i++;
        depth--;
        return out;
      }
      String key;
      if (peek('"') || peek('\'')) key = string();
      else {
        key = word();
        if (key.isEmpty()) throw fail("expected a key");
      }
      ws();
      if (repair && i >= s.length()) {
        depth--;
        return out;
      }
      if (!peek(':')) throw fail("expected ':'");
      i++;
      ws();
      if (repair && i >= s.length()) {
        depth--;
        return out;
      }
      out.put(key, value());
      ws();
      if (peek(',')) {
        i++;
      } else if (!peek('}') && !(repair && i >= s.length())) {
        throw fail("expected ',' or '}'");
      }
    }
  }

  private ArrayList<Object> array(char close) {
    enter();
    i++;
    var out = new ArrayList<Object>();
    while (true) {
      ws();
      if (repair && i >= s.length()) {
        depth--;
        return out;
      }
      if (peek(close)) {
        i++;
        depth--;
        return out;
      }
      out.add(value());
      ws();
      if (peek(',')) {
        i++;
      } else if (!peek(close) && !(repair && i >= s.length())) {
        throw fail("expected ',' or '" + close + "'");
      }
    }
  }

  private String string() {
    char q = s.charAt(i++);
    var sb = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == q) return sb.toString();
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i >= s.length()) break;
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case '0' -> sb.append('\0');
        case 'u' -> {
          if (i + 4 > s.length()) throw fail("bad \\u escape");
          try {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException ex) {
            throw fail("bad \\u escape");
          }
          i += 4;
        }
        default -> sb.append(e);
      }
    }
    if (repair) return sb.toString();
    throw fail("unterminated string");
  }

  private Object number() {
    int start = i;
    if (peek('-') || peek('+')) i++;
    if (s.startsWith("Infinity", i)) {
      i += "Infinity".length();
      return s.charAt(start) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    boolean isFloat = false;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isDigit(c) || c == '_') {
        i++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        isFloat = true;
        i++;
        if ((c == 'e' || c == 'E') && (peek('-') || peek('+'))) i++;
      } else {
        break;
      }
    }
    String text = s.substring(start, i);
    if (text.startsWith("_") || text.endsWith("_") || text.contains("__")) throw fail("bad number '" + text + "'");
    String digits = text.replace("_", "");
    if (digits.startsWith("+")) digits = digits.substring(1);
    try {
      if (isFloat) return Double.parseDouble(digits);
      var big = new BigInteger(digits);
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    } catch (NumberFormatException e) {
      throw fail("bad number '" + text + "'");
    }
  }

  private String word() {
    int start = i;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
    return s.substring(start, i);
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  /** Skips whitespace and comments ({@code // ...} to the end of the line, {@code /* ... *\/}). */
  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        while (i < s.length() && s.charAt(i) != '\n') i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
      } else {
        return;
      }
    }
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException(problem + " at position " + i);
  }
}
