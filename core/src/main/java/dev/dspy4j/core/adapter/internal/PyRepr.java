package dev.dspy4j.core.adapter.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Python's {@code repr()} and {@code str()} of values (String, Long/BigInteger, Double, Boolean,
 * null, List, Map, and records/enums as pydantic models/Python enums), which DSPy shows where it
 * turns a non-string value into text: a JSON object given for a {@code str} output becomes {@code
 * "{'a': 1}"}, not JSON; a record in a list given to a {@code str} input {@code «x=6 y=11»}.
 */
public final class PyRepr {

  private PyRepr() {}

  /**
   * Python's {@code str(value)}: a string as it is, a record as pydantic prints a model ({@code x=6
   * y=11}), anything else its {@link #repr}.
   */
  public static String str(@Nullable Object value) {
    if (value instanceof String s) return s;
    if (value != null && value.getClass().isRecord()) {
      var sb = new StringBuilder();
      components(sb, value, " ");
      return sb.toString();
    }
    return repr(value);
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
    } else if (v instanceof Object[] tuple) {
      sb.append('(');
      for (int k = 0; k < tuple.length; k++) {
        if (k > 0) sb.append(", ");
        write(sb, tuple[k]);
      }
      sb.append(tuple.length == 1 ? ",)" : ")");
    } else if (v instanceof java.util.Optional<?> o) {
      write(sb, o.orElse(null));
    } else if (v instanceof Enum<?> e) {
      // a Python Enum member whose value is its name
      sb.append('<')
          .append(e.getDeclaringClass().getSimpleName())
          .append('.')
          .append(e.name())
          .append(": ");
      quote(sb, e.name());
      sb.append('>');
    } else if (v.getClass().isRecord()) {
      sb.append(v.getClass().getSimpleName()).append('(');
      components(sb, v, ", ");
      sb.append(')');
    } else {
      write(sb, PyJson.toJsonable(v));
    }
  }

  /** A record's components as pydantic shows a model's fields: {@code name=repr(value)}. */
  private static void components(StringBuilder sb, Object record, String separator) {
    boolean first = true;
    for (var c : record.getClass().getRecordComponents()) {
      if (!first) sb.append(separator);
      first = false;
      sb.append(c.getName()).append('=');
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        write(sb, accessor.invoke(record));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "cannot read component " + c.getName() + " of " + record.getClass(), e);
      }
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
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR -> {
        return false;
      }
      default -> {
        return true;
      }
    }
  }
}
