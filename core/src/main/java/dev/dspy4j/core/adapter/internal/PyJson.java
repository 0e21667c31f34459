package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.signature.History;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Renders values the way DSPy's Python does: {@code json.dumps(v, ensure_ascii=False)} (", " and ":
 * " separators, non-ASCII kept, floats as Python's {@code repr}) and {@code str(v)} ({@code
 * True}/{@code False}/{@code None}).
 */
public final class PyJson {

  private PyJson() {}

  /**
   * Converts records, enums, Optionals and arrays into plain Maps, Lists, Strings, Numbers,
   * Booleans and null, like pydantic's {@code dump_python(mode="json")}.
   */
  public static @Nullable Object toJsonable(@Nullable Object value) {
    if (value == null) return null;
    if (value instanceof Optional<?> o) return toJsonable(o.orElse(null));
    if (value instanceof Enum<?> e) return e.name();
    if (value instanceof CharSequence cs) return cs.toString();
    if (value instanceof Number || value instanceof Boolean) return value;
    if (value instanceof History h) {
      var out = new LinkedHashMap<String, Object>();
      out.put("messages", toJsonable(h.messages()));
      return out;
    }
    if (value instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach((k, v) -> out.put(String.valueOf(k), toJsonable(v)));
      return out;
    }
    if (value instanceof Collection<?> c) {
      var out = new ArrayList<Object>();
      c.forEach(v -> out.add(toJsonable(v)));
      return out;
    }
    if (value instanceof Object[] arr) {
      var out = new ArrayList<Object>();
      for (var v : arr) out.add(toJsonable(v));
      return out;
    }
    if (value.getClass().isRecord()) {
      var out = new LinkedHashMap<String, Object>();
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        try {
          var accessor = c.getAccessor();
          accessor.setAccessible(true);
          out.put(c.getName(), toJsonable(accessor.invoke(value)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(
              "cannot read component " + c.getName() + " of " + value.getClass(), e);
        }
      }
      return out;
    }
    return value.toString();
  }

  /** Python {@code json.dumps(value, ensure_ascii=False)} of an already jsonable value. */
  public static String dumps(@Nullable Object jsonable) {
    var sb = new StringBuilder();
    write(sb, jsonable, -1, 0);
    return sb.toString();
  }

  /** Python {@code json.dumps(value, indent=2, ensure_ascii=False)}. */
  public static String dumpsIndented(@Nullable Object jsonable) {
    var sb = new StringBuilder();
    write(sb, jsonable, 2, 0);
    return sb.toString();
  }

  /**
   * What DSPy's {@code format_field_value} shows for a value that is not a list given to a {@code
   * str} field: JSON for maps and lists, otherwise Python's {@code str()}.
   */
  public static String render(@Nullable Object value) {
    Object j = toJsonable(value);
    if (j instanceof Map || j instanceof List) return dumps(j);
    return str(j);
  }

  /** Python {@code str()} of a scalar jsonable value. */
  public static String str(@Nullable Object j) {
    if (j == null) return "None";
    if (j instanceof Boolean b) return b ? "True" : "False";
    if (j instanceof Double || j instanceof java.lang.Float || j instanceof BigDecimal) {
      return floatRepr(((Number) j).doubleValue());
    }
    return j.toString();
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that read back as the same double (on every
   * JDK, subnormals included; JDK 17's {@code Double.toString} is not always shortest), positional
   * from 1e-4 up to below 1e16 ({@code 2.0}, {@code 0.0001}), else {@code 1e-05}, {@code 1e+16};
   * {@code inf}, {@code -inf}, {@code nan}.
   */
  public static String floatRepr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = shortest(Math.abs(d)).stripTrailingZeros();
    String sign = d < 0 ? "-" : "";
    int exponent = bd.precision() - bd.scale() - 1; // position of the leading digit
    if (exponent >= -4 && exponent < 16) {
      String plain = bd.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String digits = bd.unscaledValue().toString();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign
        + mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }

  /** The decimal with the fewest significant digits that reads back as {@code d}, nearest to it. */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal best = null;
      for (var mode :
          new java.math.RoundingMode[] {
            java.math.RoundingMode.HALF_EVEN,
            java.math.RoundingMode.FLOOR,
            java.math.RoundingMode.CEILING
          }) {
        BigDecimal c = exact.round(new java.math.MathContext(p, mode));
        if (Double.parseDouble(c.toString()) != d) continue;
        if (best == null || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)
          best = c;
      }
      if (best != null) return best;
    }
    return exact;
  }

  private static void write(StringBuilder sb, @Nullable Object v, int indent, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof java.lang.Float || v instanceof BigDecimal) {
      double d = ((Number) v).doubleValue();
      // pydantic's JSON mode (DSPy's serialize_for_json) turns inf and nan into null
      sb.append(Double.isFinite(d) ? floatRepr(d) : "null");
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) sb.append(indent < 0 ? ", " : ",");
        first = false;
        newline(sb, indent, level + 1);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent, level + 1);
      }
      newline(sb, indent, level);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (var e : l) {
        if (!first) sb.append(indent < 0 ? ", " : ",");
        first = false;
        newline(sb, indent, level + 1);
        write(sb, e, indent, level + 1);
      }
      newline(sb, indent, level);
      sb.append(']');
    } else {
      quote(sb, v.toString());
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent < 0) return;
    sb.append('\n');
    sb.append(" ".repeat(indent * level));
  }

  /** A JSON string literal, escaped as Python's json module does with ensure_ascii=False. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
