package dev.dspy4j.core.adapter.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A reader for Python literal syntax, DSPy's fallback {@code ast.literal_eval} when {@link
 * JsonRepair} finds no JSON: single-quoted strings, {@code True/False/None}, trailing commas,
 * tuples, digits grouped with {@code _}, {@code 0x1f}, unquoted object keys. Produces
 * LinkedHashMap, ArrayList, String, Long/BigInteger, Double, Boolean and null.
 */
public final class LenientJson {

  /** Deeper nesting is refused: the reader is recursive, and LM output may nest without end. */
  static final int MAX_DEPTH = 500;

  private final String s;
  private int i;
  private int depth;

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
   * The first balanced {@code {...}} in the text, if any: DSPy's recursive regex {@code
   * \{(?:[^{}]|(?R))*\}}, which counts braces and knows nothing of strings.
   */
  public static Optional<String> firstObject(String text) {
    int start = text.indexOf('{');
    while (start >= 0) {
      int depth = 0;
      for (int k = start; k < text.length(); k++) {
        char c = text.charAt(k);
        if (c == '{') {
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
      if (!peek(':')) throw fail("expected ':'");
      i++;
      ws();
      out.put(key, value());
      ws();
      if (peek(',')) {
        i++;
      } else if (!peek('}')) {
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
      if (peek(close)) {
        i++;
        depth--;
        return out;
      }
      out.add(value());
      ws();
      if (peek(',')) {
        i++;
      } else if (!peek(close)) {
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
    throw fail("unterminated string");
  }

  private Object number() {
    int start = i;
    if (peek('-') || peek('+')) i++;
    if (i + 1 < s.length() && s.charAt(i) == '0' && "xXoObB".indexOf(s.charAt(i + 1)) >= 0) {
      return radixNumber(start);
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
    if (text.startsWith("_") || text.endsWith("_") || text.contains("__"))
      throw fail("bad number '" + text + "'");
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

  /** Python's {@code 0x1f}, {@code 0o17}, {@code 0b101} integer literals. */
  private Object radixNumber(int start) {
    char kind = Character.toLowerCase(s.charAt(i + 1));
    int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
    i += 2;
    int digitsStart = i;
    while (i < s.length() && (Character.digit(s.charAt(i), radix) >= 0 || s.charAt(i) == '_')) i++;
    String digits = s.substring(digitsStart, i).replace("_", "");
    if (digits.isEmpty()) throw fail("bad number '" + s.substring(start, i) + "'");
    var big = new BigInteger(digits, radix);
    if (s.charAt(start) == '-') big = big.negate();
    return big.bitLength() < 64 ? (Object) big.longValue() : big;
  }

  private String word() {
    int start = i;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
    return s.substring(start, i);
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException(problem + " at position " + i);
  }
}
