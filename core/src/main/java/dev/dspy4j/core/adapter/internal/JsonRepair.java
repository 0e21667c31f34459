package dev.dspy4j.core.adapter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How DSPy reads JSON an LM wrote: {@code json_repair.loads} (json_repair 0.61.7). Valid JSON
 * ({@code json.loads}: strict, plus {@code NaN}/{@code Infinity}) is read as it is. Anything else
 * is repaired the way json_repair does for the mistakes models make:
 *
 * <ul>
 *   <li>text before, between and after containers is skipped (a fenced {@code ```json} block, a
 *       sentence around the object); several containers become a list of them;
 *   <li>truncated output is completed: open strings, arrays and objects are closed, a key whose
 *       value never came maps to {@code ""}, a key cut off before its colon is dropped;
 *   <li>comments ({@code //}, {@code #}, {@code /* *\/}) and stray commas are dropped;
 *   <li>strings may use single quotes; an unquoted value is a string up to the next {@code ,} or
 *       closing bracket; {@code true/false/null} in any letter case are literals, while Python's
 *       {@code None}, {@code nan} and {@code inf} stay strings;
 *   <li>duplicate keys: the last value wins, at the first key's position;
 *   <li>json_repair's number quirks: digits are read from {@code 0-9 - . e E / , _}, so {@code
 *       1e+16} reads as {@code 1} (the rest is skipped in an object, a string item in an array); a
 *       string that ends with a newline, or lacks its closing quote, is right-stripped.
 * </ul>
 *
 * json_repair has many more heuristics for badly broken text; where those matter the result may
 * differ (README: "Where dspy4j deliberately differs from DSPy").
 */
public final class JsonRepair {

  /** What {@link #loads} returns when the text holds no JSON (json_repair returns {@code ""}). */
  public static final Object NOT_JSON = new Object();

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();
  private static final String NUMBER_CHARS = "0123456789-.eE/,_";
  private static final int MAX_DEPTH = 500;

  private enum Context {
    TOP,
    OBJECT_VALUE,
    ARRAY
  }

  private final String s;
  private int i;
  private int depth;

  private JsonRepair(String s) {
    this.s = s;
  }

  /**
   * The value json_repair reads from the text, or {@link #NOT_JSON}. Maps are LinkedHashMap, lists
   * ArrayList, numbers Long/BigInteger/Double.
   */
  public static @Nullable Object loads(String text) {
    Object strict = strictJson(text);
    if (strict != NOT_JSON) return strict;
    return new JsonRepair(text).top();
  }

  /** Python's {@code json.loads}, or {@link #NOT_JSON} when it would raise. */
  static @Nullable Object strictJson(String text) {
    try {
      return normalize(STRICT.readValue(text, Object.class));
    } catch (JsonProcessingException | RuntimeException e) {
      return NOT_JSON;
    }
  }

  private static @Nullable Object normalize(@Nullable Object v) {
    if (v instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : b;
    if (v instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      var out = new ArrayList<Object>();
      l.forEach(x -> out.add(normalize(x)));
      return out;
    }
    return v;
  }

  private Object top() {
    var values = new ArrayList<Object>();
    boolean triedValidSuffix = false;
    while (true) {
      while (i < s.length() && s.charAt(i) != '{' && s.charAt(i) != '[') i++;
      if (i >= s.length()) break;
      boolean commaSeparated = precededByComma();
      Object v = NOT_JSON;
      if (!triedValidSuffix && i > 0) {
        // json_repair's try_valid_json_suffix: valid JSON after leading text is taken as it is
        triedValidSuffix = true;
        v = validPrefixValue();
      }
      try {
        if (v == NOT_JSON) v = value(Context.TOP);
      } catch (IllegalStateException tooDeep) {
        return NOT_JSON;
      }
      if (values.isEmpty()) {
        values.add(v);
      } else if (!isEmpty(v)) {
        Object last = values.get(values.size() - 1);
        if ((!commaSeparated && sameShape(last, v)) || isEmpty(last))
          values.remove(values.size() - 1);
        values.add(v);
      }
    }
    if (values.isEmpty()) return NOT_JSON;
    return values.size() == 1 ? values.get(0) : values;
  }

  /**
   * Python's {@code json.JSONDecoder().raw_decode(s[i:])}: one valid value, text after it allowed.
   */
  private @Nullable Object validPrefixValue() {
    try (var parser = STRICT.getFactory().createParser(s.substring(i))) {
      Object v =
          STRICT
              .readerFor(Object.class)
              .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readValue(parser);
      i += (int) parser.currentLocation().getCharOffset();
      return normalize(v);
    } catch (java.io.IOException | RuntimeException e) {
      return NOT_JSON;
    }
  }

  private boolean precededByComma() {
    int k = i - 1;
    while (k >= 0 && Character.isWhitespace(s.charAt(k))) k--;
    return k >= 0 && s.charAt(k) == ',';
  }

  private static boolean isEmpty(@Nullable Object v) {
    return v instanceof Map<?, ?> m ? m.isEmpty() : v instanceof List<?> l && l.isEmpty();
  }

  /** json_repair's {@code ObjectComparer.is_same_object}: same types and keys, recursively. */
  private static boolean sameShape(@Nullable Object a, @Nullable Object b) {
    if (a == null || b == null) return a == b;
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) return false;
      for (var e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !sameShape(e.getValue(), y.get(e.getKey()))) return false;
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      for (int k = 0; k < x.size(); k++) if (!sameShape(x.get(k), y.get(k))) return false;
      return true;
    }
    return a.getClass() == b.getClass();
  }

  private @Nullable Object value(Context ctx) {
    while (true) {
      skip();
      if (i >= s.length()) return "";
      char c = s.charAt(i);
      if (c == '{') return object();
      if (c == '[') return array();
      if (c == '"' || c == '\'' || c == '\u201c') return string(false, ctx);
      if (Character.isDigit(c) || c == '-' || c == '.') return number(ctx);
      if (Character.isLetter(c)) {
        for (String word : new String[] {"true", "false", "null"}) {
          if (s.regionMatches(true, i, word, 0, word.length())) {
            i += word.length();
            return word.equals("null") ? null : word.equals("true");
          }
        }
        return unquoted(ctx);
      }
      if (c == ',' || c == ']' || c == '}' || c == ':') return "";
      i++; // json_repair ignores a character that starts no value
    }
  }

  private Object object() {
    enter();
    i++;
    var out = new LinkedHashMap<String, Object>();
    boolean strayComma = false;
    while (true) {
      skip();
      if (i >= s.length()) break;
      char c = s.charAt(i);
      if (c == '}') {
        i++;
        if (strayComma && out.isEmpty()) {
          depth--;
          return new ArrayList<Object>(); // json_repair reads "{,}" as []
        }
        break;
      }
      if (c == ',') {
        strayComma = true;
        i++;
        continue;
      }
      String key;
      if (c == '"' || c == '\'' || c == '\u201c') {
        key = string(true, Context.TOP);
      } else {
        key = unquotedKey();
        if (key == null) continue; // a quote started the real key
      }
      skip();
      if (i >= s.length()) {
        // a key with no value at the end is dropped; json_repair turns a lone one into a list
        depth--;
        return out.isEmpty() ? new ArrayList<Object>(List.of(key)) : out;
      }
      if (s.charAt(i) == '}') continue; // a key without colon or value before the end is dropped
      if (s.charAt(i) == ':') i++;
      while (i < s.length() && PyText.isSpace(s.charAt(i))) i++;
      if (i < s.length() && commentStarts()) {
        skip(); // json_repair reads a comment where a value should be as the value ""
        out.remove(key);
        out.put(key, "");
        continue;
      }
      if (i >= s.length() || s.charAt(i) == '}' || s.charAt(i) == ',') {
        out.remove(key);
        out.put(key, "");
        continue;
      }
      Object v = value(Context.OBJECT_VALUE);
      if (out.containsKey(key)) out.put(key, v); // the last value wins, at the first key's place
      else out.put(key, v);
    }
    depth--;
    return out;
  }

  /**
   * An unquoted key, up to the colon: what follows a value without a comma (the {@code e+16} of
   * json_repair's {@code 1e+16}) becomes part of the next key, unless a quote starts a proper key
   * (then null, and the quoted key is read next).
   */
  private @Nullable String unquotedKey() {
    int start = i;
    while (i < s.length() && s.charAt(i) != ':' && s.charAt(i) != '}') {
      if (isQuote(s.charAt(i))) {
        String sofar = s.substring(start, i);
        if (sofar.isBlank() || sofar.indexOf(',') >= 0) return null;
        // a key that lost its opening quote: the quote closes it, and only its last word counts
        String k = PyText.strip(sofar);
        int space = k.lastIndexOf(' ');
        i++;
        return space < 0 ? k : k.substring(space + 1);
      }
      i++;
    }
    return PyText.strip(s.substring(start, i));
  }

  private List<Object> array() {
    enter();
    i++;
    var out = new ArrayList<Object>();
    while (true) {
      skip();
      if (i >= s.length()) break;
      char c = s.charAt(i);
      if (c == ']') {
        i++;
        break;
      }
      if (c == ',') {
        i++;
        continue;
      }
      if (c == '}') { // a stray closing brace inside an array
        i++;
        continue;
      }
      int before = i;
      Object v = value(Context.ARRAY);
      if (i >= s.length()
          && "".equals(v)
          && isQuote(s.charAt(before < s.length() ? skipFrom(before) : before - 1))) {
        break; // a string cut off right after its opening quote
      }
      if (i == before) {
        i++; // a character that starts no item (e.g. ':'): json_repair moves past it
        continue;
      }
      out.add(v);
    }
    depth--;
    return out;
  }

  private String string(boolean key, Context ctx) {
    int begin = i + 1;
    char open = s.charAt(i++);
    char close = open == '\u201c' ? '\u201d' : open;
    var sb = new StringBuilder();
    boolean closed = false;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '\\' && i < s.length()) {
        char e = s.charAt(i++);
        switch (e) {
          case 't' -> sb.append('\t');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u', 'x' -> {
            int len = e == 'u' ? 4 : 2;
            if (i + len <= s.length()
                && s.substring(i, i + len).chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
              sb.append((char) Integer.parseInt(s.substring(i, i + len), 16));
              i += len;
            } else {
              sb.append('\\').append(e);
            }
          }
          default -> {
            if (e == close || e == '\\' || e == '/' || e == '"' || e == '\'') sb.append(e);
            else sb.append('\\').append(e);
          }
        }
        continue;
      }
      if (c == close && closesString()) {
        closed = true;
        break;
      }
      if (key && c == ':' && sb.length() > 0 && valueFollows()) {
        i--; // a key that lost its closing quote ends at the colon
        break;
      }
      sb.append(c);
    }
    String out = sb.toString();
    if (!closed && ctx != Context.TOP) {
      // a value that lost its closing quote ends before the bracket that closes its container
      int bracket = s.indexOf(ctx == Context.ARRAY ? ']' : '}', begin);
      if (bracket >= 0) {
        i = bracket;
        out = s.substring(begin, bracket);
      }
    }
    if (!closed || out.endsWith("\n")) out = rstrip(out);
    return out;
  }

  /**
   * Whether a value starts after the colon just read (spaces aside): a quote, digit, sign or
   * bracket.
   */
  private boolean valueFollows() {
    int k = i;
    while (k < s.length() && s.charAt(k) == ' ') k++;
    if (k >= s.length()) return false;
    char n = s.charAt(k);
    return isQuote(n) || Character.isDigit(n) || n == '-' || n == '{' || n == '[';
  }

  /**
   * A quote ends the string when what follows it can follow a value or a key, or starts the next
   * string (a forgotten comma).
   */
  private boolean closesString() {
    int k = i;
    while (k < s.length() && Character.isWhitespace(s.charAt(k)) && s.charAt(k) != '\n') k++;
    if (k >= s.length()) return true;
    char n = s.charAt(k);
    return n == ','
        || n == '}'
        || n == ']'
        || n == ':'
        || n == '\n'
        || n == '\r'
        || n == '/'
        || n == '#'
        || (k > i && isQuote(n));
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '\u201c';
  }

  private Object number(Context ctx) {
    int start = i;
    var sb = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (NUMBER_CHARS.indexOf(c) < 0 || (ctx == Context.ARRAY && c == ',')) break;
      if (c != '_') sb.append(c);
      i++;
    }
    if (i < s.length() && Character.isLetter(s.charAt(i))) {
      i = start;
      while (i < s.length() && s.charAt(i) == '-') i++; // json_repair drops the sign of a word
      return unquoted(ctx);
    }
    String text = sb.toString();
    if (!text.isEmpty() && "-eE/,".indexOf(text.charAt(text.length() - 1)) >= 0) {
      text = text.substring(0, text.length() - 1);
      i--;
    }
    if (text.contains(",")) return text;
    if (text.contains(".") || text.contains("e") || text.contains("E")) {
      Double d = ValueParser.pyFloat(text);
      return d == null ? text : d;
    }
    if (text.matches("-?\\d+")) {
      var big = new BigInteger(text);
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    return text;
  }

  /**
   * An unquoted value: a string up to the next comma or closing bracket, escapes such as {@code \n}
   * decoded, right-stripped.
   */
  private String unquoted(Context ctx) {
    var sb = new StringBuilder();
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ',' && ctx != Context.TOP) break;
      if ((c == '}' && ctx == Context.OBJECT_VALUE) || (c == ']' && ctx == Context.ARRAY)) break;
      if (c == '\n' && ctx != Context.TOP) break;
      if (c == '\\' && i + 1 < s.length() && "ntrb".indexOf(s.charAt(i + 1)) >= 0) {
        char e = s.charAt(i + 1);
        sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : '\b');
        i += 2;
        continue;
      }
      sb.append(c);
      i++;
    }
    if (i == start && i < s.length()) i++; // never stand still on a character no rule takes
    String out = rstrip(sb.toString());
    if (!out.isEmpty() && isQuote(out.charAt(out.length() - 1)))
      out = out.substring(0, out.length() - 1); // lost opening quote
    return out;
  }

  private int skipFrom(int k) {
    while (k < s.length() && PyText.isSpace(s.charAt(k))) k++;
    return Math.min(k, s.length() - 1);
  }

  private boolean commentStarts() {
    char c = s.charAt(i);
    return c == '#'
        || (c == '/' && i + 1 < s.length() && (s.charAt(i + 1) == '/' || s.charAt(i + 1) == '*'));
  }

  /** Skips whitespace and comments ({@code //} and {@code #} to the line end, {@code /* *\/}). */
  private void skip() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (PyText.isSpace(c)) {
        i++;
      } else if (c == '#' || (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/')) {
        while (i < s.length() && s.charAt(i) != '\n') i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
      } else {
        return;
      }
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH)
      throw new IllegalStateException("nested deeper than " + MAX_DEPTH + " levels");
  }

  private static String rstrip(String x) {
    int end = x.length();
    while (end > 0 && PyText.isSpace(x.charAt(end - 1))) end--;
    return x.substring(0, end);
  }
}
