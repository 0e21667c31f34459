package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.signature.JavaTypes;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Adapts a parsed field value (Long, Double, Boolean, String, List, Map, record, enum) to the Java
 * type a caller asked for: {@code int} from Long, {@code Optional<T>}, {@code List<Integer>}, a
 * record from a Map, and so on.
 */
public final class JavaConversion {

  private JavaConversion() {}

  /**
   * Converts {@code value} to {@code target}.
   *
   * @throws IllegalArgumentException when it cannot be represented as {@code target}
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static @Nullable Object convert(@Nullable Object value, Type target) {
    if (value instanceof String s
        && target != String.class
        && target != Object.class
        && target != CharSequence.class) {
      // text such as "4" or "[1, 2]" is read the way an LM answer for that type would be
      value = ValueParser.parse(s, JavaTypes.fieldType(target));
    }
    if (target instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Optional.class.equals(raw)) {
        if (value instanceof Optional<?> o) value = o.orElse(null);
        return Optional.ofNullable(value == null ? null : convert(value, args[0]));
      }
      if (value == null) return null;
      if (Collection.class.isAssignableFrom(raw) && value instanceof Collection<?> c) {
        Collection out =
            Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
        for (var e : c) out.add(convert(e, args[0]));
        return Set.class.isAssignableFrom(raw) ? Set.copyOf(out) : List.copyOf(out);
      }
      if (Map.class.isAssignableFrom(raw) && value instanceof Map<?, ?> m) {
        var out = new LinkedHashMap<String, Object>();
        m.forEach((k, v) -> out.put(String.valueOf(k), convert(v, args[1])));
        return java.util.Collections.unmodifiableMap(out);
      }
      return convert(value, raw);
    }
    if (!(target instanceof Class<?> c)) return value;
    if (value instanceof Optional<?> o && c != Optional.class) value = o.orElse(null);
    if (value == null) {
      if (c.isPrimitive()) throw new IllegalArgumentException("no value for primitive " + c);
      return c == Optional.class ? Optional.empty() : null;
    }
    if (c == Optional.class) return value instanceof Optional<?> ? value : Optional.of(value);
    Class<?> boxed = box(c);
    if (boxed.isInstance(value)) return value;
    if (value instanceof Number n && !(value instanceof Boolean)) {
      if (boxed == Integer.class) return Math.toIntExact(integral(n));
      if (boxed == Long.class) return integral(n);
      if (boxed == Short.class) return (short) Math.toIntExact(integral(n));
      if (boxed == Byte.class) return (byte) Math.toIntExact(integral(n));
      if (boxed == Double.class) return n.doubleValue();
      if (boxed == Float.class) return n.floatValue();
      if (boxed == BigInteger.class) return new BigInteger(n.toString());
      if (boxed == BigDecimal.class) return new BigDecimal(n.toString());
    }
    if (c == String.class) return PyJson.render(value);
    if (c.isEnum() && value instanceof String s) {
      for (Object k : c.getEnumConstants()) {
        if (((Enum<?>) k).name().equals(s)) return k;
      }
    }
    if (c.isRecord() && value instanceof Map<?, ?> m) {
      return ValueParser.parse(m, new dev.dspy4j.core.signature.FieldType.Structured(c));
    }
    throw new IllegalArgumentException(
        "cannot convert "
            + value.getClass().getSimpleName()
            + " '"
            + PyJson.render(value)
            + "' to "
            + c.getSimpleName());
  }

  private static long integral(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (d != Math.rint(d)) throw new IllegalArgumentException(d + " is not a whole number");
      return (long) d;
    }
    return n.longValue();
  }

  private static Class<?> box(Class<?> c) {
    if (!c.isPrimitive()) return c;
    if (c == int.class) return Integer.class;
    if (c == long.class) return Long.class;
    if (c == double.class) return Double.class;
    if (c == float.class) return Float.class;
    if (c == boolean.class) return Boolean.class;
    if (c == short.class) return Short.class;
    if (c == byte.class) return Byte.class;
    if (c == char.class) return Character.class;
    return c;
  }
}
