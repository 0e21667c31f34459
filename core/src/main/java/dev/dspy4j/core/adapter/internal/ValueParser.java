package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.JavaTypes;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * DSPy's {@code parse_value}: turns the text (or JSON value) an LM produced for a field into a
 * value of the field's type. {@code str} as is; Literal/enum by exact match, then after stripping
 * whitespace, quotes and a {@code Literal[...]} wrapper; everything else read as lenient JSON or a
 * Python literal and validated (numbers from strings allowed, as pydantic's lax mode).
 *
 * <p>Values: {@code str}→String, {@code int}→Long, {@code float}→Double, {@code bool}→Boolean,
 * lists→List, dicts→Map, literals→String (or the enum constant), records→record instances, missing
 * optionals→null.
 */
public final class ValueParser {

  private static final Set<String> TRUE = Set.of("1", "on", "t", "true", "y", "yes");
  private static final Set<String> FALSE = Set.of("0", "off", "f", "false", "n", "no");

  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+(_\\d+)*(\\.0*)?");
  private static final Pattern DECIMAL =
      Pattern.compile(
          "[+-]?(\\d+(_\\d+)*(\\.(\\d+(_\\d+)*)?)?|\\.\\d+(_\\d+)*)([eE][+-]?\\d+(_\\d+)*)?");

  private ValueParser() {}

  /** DSPy's fallback {@code ast.literal_eval(text)}, or the text itself when that raises. */
  private static Object literalEval(String s) {
    try {
      return LenientJson.parse(s);
    } catch (IllegalArgumentException notALiteral) {
      if (s.indexOf(',') < 0) return s;
      try {
        return LenientJson.parse("(" + s + ")"); // "1, 2, 3" is a tuple to Python
      } catch (IllegalArgumentException notATuple) {
        return s;
      }
    }
  }

  /** Python's {@code float(text)} of stripped text, or null when Python would refuse it. */
  static @Nullable Double pyFloat(String t) {
    String lower = t.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    double sign = lower.startsWith("-") ? -1 : 1;
    if (unsigned.equals("inf") || unsigned.equals("infinity"))
      return sign * Double.POSITIVE_INFINITY;
    if (unsigned.equals("nan")) return Double.NaN;
    if (!DECIMAL.matcher(t).matches()) return null;
    return Double.parseDouble(t.replace("_", ""));
  }

  /**
   * Parses one field value.
   *
   * @throws IllegalArgumentException saying why the value does not fit the type
   */
  public static @Nullable Object parse(@Nullable Object raw, FieldType type) {
    if (type instanceof FieldType.Str) {
      return PyRepr.str(raw); // DSPy: str(value), so a JSON object given for a str is Python's repr
    }
    if (type instanceof FieldType.LiteralOf lit) {
      return literal(raw, lit);
    }
    if (type instanceof FieldType.OptionalOf opt && opt.inner() instanceof FieldType.Str) {
      // pydantic validates Optional[str] strictly: a string or None, no str() of other values
      if (raw == null || raw instanceof String) return raw;
      throw new IllegalArgumentException(
          "'" + PyRepr.repr(raw) + "' is not a valid " + type.dspyName());
    }
    Object candidate = raw;
    if (raw instanceof String s) {
      candidate = JsonRepair.loads(s);
      if (candidate == JsonRepair.NOT_JSON) candidate = literalEval(s);
    }
    return validate(candidate, type, "");
  }

  private static Object literal(@Nullable Object raw, FieldType.LiteralOf lit) {
    if (lit.enumType() != null) {
      // DSPy's find_enum_member: the member whose value (here: constant name) is the text, exactly
      if (lit.enumType().isInstance(raw)) return raw;
      if (raw instanceof String s && lit.values().contains(s)) return literalValue(s, lit);
      throw new IllegalArgumentException(
          raw + " is not a valid name or value for the enum " + lit.dspyName());
    }
    if (raw instanceof String s) {
      if (lit.values().contains(s)) return literalValue(s, lit);
      String v = s.strip();
      if ((v.startsWith("Literal[") || v.startsWith("str[")) && v.endsWith("]")) {
        v = v.substring(v.indexOf('[') + 1, v.length() - 1);
      }
      if (v.length() > 1
          && v.charAt(0) == v.charAt(v.length() - 1)
          && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
        v = v.substring(1, v.length() - 1);
      }
      if (lit.values().contains(v)) return literalValue(v, lit);
    }
    throw new IllegalArgumentException("'" + raw + "' is not one of " + lit.values());
  }

  private static Object literalValue(String v, FieldType.LiteralOf lit) {
    if (lit.enumType() == null) return v;
    for (var c : lit.enumType().getEnumConstants()) {
      if (c.name().equals(v)) return c;
    }
    throw new IllegalStateException("enum constant " + v + " vanished");
  }

  private static @Nullable Object validate(@Nullable Object v, FieldType type, String path) {
    String where = path.isEmpty() ? "" : " at " + path;
    if (type instanceof FieldType.OptionalOf opt) {
      return v == null ? null : validate(v, opt.inner(), path);
    }
    if (type instanceof FieldType.AnyType) return v;
    if (v == null)
      throw new IllegalArgumentException(
          "missing value" + where + " (expected " + type.dspyName() + ")");
    if (type instanceof FieldType.Str) {
      if (v instanceof String) return v;
    } else if (type instanceof FieldType.Int) {
      // pydantic's lax int: whole floats, bools, and strings of a whole number ("31", " 31 ",
      // "31.0")
      if (v instanceof Long || v instanceof Integer) return ((Number) v).longValue();
      if (v instanceof BigInteger b) return b;
      if (v instanceof Boolean b) return b ? 1L : 0L;
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63)
        return d.longValue(); // pydantic: i64
      if (v instanceof String s) {
        String t = PyText.strip(s);
        if (WHOLE_NUMBER.matcher(t).matches()) {
          var big = new BigDecimal(t.replace("_", "")).toBigInteger();
          if (big.bitLength() < 64) return big.longValue();
          if (t.indexOf('.') < 0)
            return big; // "31.0" goes through a float, which pydantic bounds to 64 bits
        }
      }
    } else if (type instanceof FieldType.Float) {
      // pydantic's lax float: ints, bools, and strings Python's float() reads ("inf", "nan",
      // "1e-3")
      if (v instanceof Boolean b) return b ? 1.0 : 0.0;
      if (v instanceof Number n) return n.doubleValue();
      if (v instanceof String s) {
        Double d = pyFloat(PyText.strip(s));
        if (d != null) return d;
      }
    } else if (type instanceof FieldType.Bool) {
      if (v instanceof Boolean) return v;
      if ((v instanceof Long l) && (l == 0 || l == 1)) return l == 1;
      if ((v instanceof Double d) && (d == 0 || d == 1)) return d == 1;
      if (v instanceof String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (TRUE.contains(t)) return true;
        if (FALSE.contains(t)) return false;
      }
    } else if (type instanceof FieldType.LiteralOf lit) {
      if (lit.enumType() != null && lit.enumType().isInstance(v)) return v;
      if (v instanceof String s && lit.values().contains(s)) return literalValue(s, lit);
    } else if (type instanceof FieldType.ListOf l) {
      if (v instanceof List<?> list) {
        var out = new ArrayList<Object>();
        for (int k = 0; k < list.size(); k++)
          out.add(validate(list.get(k), l.element(), path + "[" + k + "]"));
        return out;
      }
    } else if (type instanceof FieldType.DictOf d) {
      if (v instanceof Map<?, ?> m) {
        var out = new LinkedHashMap<String, Object>();
        for (var e : m.entrySet()) {
          out.put(
              String.valueOf(e.getKey()),
              validate(e.getValue(), d.value(), path + "." + e.getKey()));
        }
        return out;
      }
    } else if (type instanceof FieldType.Structured st) {
      if (st.type().isInstance(v)) return v;
      if (v instanceof Map<?, ?> m) return record(m, st.type(), path);
    }
    throw new IllegalArgumentException(
        "'" + PyJson.render(v) + "'" + where + " is not a valid " + type.dspyName());
  }

  private static Object record(Map<?, ?> m, Class<?> type, String path) {
    RecordComponent[] comps = type.getRecordComponents();
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    for (int k = 0; k < comps.length; k++) {
      var c = comps[k];
      types[k] = c.getType();
      FieldType ft = JavaTypes.fieldType(c.getGenericType());
      String p = path.isEmpty() ? c.getName() : path + "." + c.getName();
      if (!m.containsKey(c.getName()) && !ft.isOptional()) {
        throw new IllegalArgumentException("missing '" + p + "' for " + type.getSimpleName());
      }
      Object value = validate(m.get(c.getName()), ft, p);
      args[k] = JavaConversion.convert(value, c.getGenericType());
    }
    try {
      var ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalArgumentException(
          "cannot build " + type.getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build " + type.getSimpleName() + ": " + e, e);
    }
  }
}
