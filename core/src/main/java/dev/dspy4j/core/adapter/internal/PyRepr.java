package dev.dspy4j.core.adapter.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Python's {@code repr()} and {@code str()} of parsed JSON values (String, Long/BigInteger,
 * Double, Boolean, null, List, Map), which DSPy shows where it turns a non-string value into text:
 * a JSON object given for a {@code str} output becomes {@code "{'a': 1}"}, not JSON.
 */
public final class PyRepr {

  private PyRepr() {}

  /** Python's {@code str(value)}: a string as it is, anything else its {@link #repr}. */
  public static String str(@Nullable Object value) {
    return value instanceof String s ? s : repr(value);
  }

  /** Python's {@code repr(value)}. */
  public static String repr(@Nullable Object value) {
    var sb = new StringBuilder();
    write(sb, value);
    return sb.toString();
  }

  private static void write(StringBuilder sb, @Nullable Object v) {
    if (v == null) {
      sb.append("None");
    } else if (v instanceof Boolean b) {
      sb.append(b ? "True" : "False");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Double || v instanceof java.lang.Float) {
      sb.append(PyJson.floatRepr(((Number) v).doubleValue()));
    } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
      sb.append(v);
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int k = 0; k < l.size(); k++) {
        if (k > 0) sb.append(", ");
        write(sb, l.get(k));
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        write(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue());
      }
      sb.append('}');
    } else {
      write(sb, PyJson.toJsonable(v));
    }
  }

  /** Python's string repr: single quotes unless the text has ' and no ", non-printables escaped. */
  private static void quote(StringBuilder sb, String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    sb.append(q);
    for (int k = 0; k < s.length(); ) {
      int cp = s.codePointAt(k);
      k += Character.charCount(cp);
      if (cp == q || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
      } else if (cp == '\t') {
        sb.append("\\t");
      } else if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\r') {
        sb.append("\\r");
      } else if (cp == ' ' || printable(cp)) {
        sb.appendCodePoint(cp);
      } else if (cp < 0x100) {
        sb.append(String.format("\\x%02x", cp));
      } else if (cp < 0x10000) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.append(String.format("\\U%08x", cp));
      }
    }
    sb.append(q);
  }

  /** Python's {@code str.isprintable()} for one code point (other than the space). */
  private static boolean printable(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> {
        return false;
      }
      default -> {
        return true;
      }
    }
  }
}
