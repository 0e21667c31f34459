package dev.dspy4j.core.program.internal;

import dev.dspy4j.core.adapter.internal.PyJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON text as DSPy's {@code save} writes it: {@code orjson.dumps(state, option=OPT_INDENT_2 |
 * OPT_APPEND_NEWLINE)}. Two-space indent, {@code ": "} after keys, empty containers as {@code []}
 * and {@code {}}, non-ASCII kept, control characters escaped, floats in orjson's shortest form
 * ({@code 0.00003}, {@code 1e-7}, {@code 1e16}), NaN and infinities as {@code null}, a final
 * newline.
 */
public final class OrjsonWriter {

  private OrjsonWriter() {}

  /** The file text of a state made of Maps, Lists, Strings, Numbers, Booleans and nulls. */
  public static String write(@Nullable Object value) {
    var sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, @Nullable Object v, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      PyJson.quote(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      sb.append(floatText(((Number) v).doubleValue()));
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
        if (!first) sb.append(',');
        first = false;
        newline(sb, level + 1);
        PyJson.quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), level + 1);
      }
      newline(sb, level);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (var e : l) {
        if (!first) sb.append(',');
        first = false;
        newline(sb, level + 1);
        write(sb, e, level + 1);
      }
      newline(sb, level);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  /**
   * The shortest decimal that reads back as {@code d} (nearest to it among those as short): what
   * ryu, orjson and Python's repr print. Java 17's {@code Double.toString} is not always shortest
   * ({@code 4.9E-324} for {@code 5e-324}).
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision < 17; precision++) {
      BigDecimal candidate =
          exact.round(new java.math.MathContext(precision, java.math.RoundingMode.HALF_EVEN));
      if (Double.parseDouble(candidate.toString()) == d) return candidate.stripTrailingZeros();
    }
    return exact
        .round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN))
        .stripTrailingZeros();
  }

  private static void newline(StringBuilder sb, int level) {
    sb.append('\n');
    sb.append("  ".repeat(level));
  }

  /**
   * orjson's float text: the shortest round-trip digits, placed as the Rust ryu crate places them.
   */
  static String floatText(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = shortest(Math.abs(d));
    String digits = bd.unscaledValue().toString();
    int length = digits.length();
    int kk = length - bd.scale(); // the value is 0.<digits> * 10^kk
    var sb = new StringBuilder(d < 0 ? "-" : "");
    if (kk >= length && kk <= 16) {
      sb.append(digits).append("0".repeat(kk - length)).append(".0");
    } else if (kk > 0 && kk <= 16) {
      sb.append(digits, 0, kk).append('.').append(digits, kk, length);
    } else if (kk > -5 && kk <= 0) {
      sb.append("0.").append("0".repeat(-kk)).append(digits);
    } else {
      sb.append(digits.charAt(0));
      if (length > 1) sb.append('.').append(digits, 1, length);
      sb.append('e').append(kk - 1);
    }
    return sb.toString();
  }
}
