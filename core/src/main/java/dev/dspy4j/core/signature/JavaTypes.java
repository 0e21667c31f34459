package dev.dspy4j.core.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Java types to DSPy field types: {@code String}→{@code str}; {@code int/Integer/long/Long/
 * short/byte/BigInteger}→{@code int}; {@code double/float/BigDecimal}→{@code float}; {@code
 * boolean}→{@code bool}; {@code List<T>}→{@code list[T]}; {@code Map<String, T>}→ {@code dict[str,
 * T]}; enums→{@code Literal} of their constant names; records→their class name (described by a JSON
 * schema); {@code Optional<T>}→an optional {@code T}; {@code Object}→{@code Any}; {@link
 * History}→history.
 */
public final class JavaTypes {

  private JavaTypes() {}

  /**
   * The DSPy field type of a Java type.
   *
   * @throws IllegalArgumentException when the type has no DSPy equivalent
   */
  public static FieldType fieldType(Type type) {
    if (type instanceof WildcardType w && w.getUpperBounds().length == 1) {
      return fieldType(w.getUpperBounds()[0]);
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Optional.class.equals(raw)) return FieldType.optional(fieldType(args[0]));
      if (Collection.class.isAssignableFrom(raw)) return FieldType.listOf(fieldType(args[0]));
      if (Map.class.isAssignableFrom(raw)) {
        if (!String.class.equals(args[0])) {
          throw new IllegalArgumentException(
              "map keys must be String (DSPy dict[str, T]), found " + args[0]);
        }
        return FieldType.dictOf(fieldType(args[1]));
      }
      throw new IllegalArgumentException("no DSPy type for " + type.getTypeName());
    }
    if (type instanceof Class<?> c) {
      if (c == String.class || c == CharSequence.class) return FieldType.STR;
      if (c == int.class
          || c == Integer.class
          || c == long.class
          || c == Long.class
          || c == short.class
          || c == Short.class
          || c == byte.class
          || c == Byte.class
          || c == BigInteger.class) {
        return FieldType.INT;
      }
      if (c == double.class
          || c == Double.class
          || c == float.class
          || c == java.lang.Float.class
          || c == BigDecimal.class) {
        return FieldType.FLOAT;
      }
      if (c == boolean.class || c == Boolean.class) return FieldType.BOOL;
      if (c == History.class) return FieldType.HISTORY;
      if (c == Object.class) return FieldType.ANY;
      if (c.isEnum()) {
        @SuppressWarnings("unchecked")
        var e = (Class<? extends Enum<?>>) c;
        List<String> names = Arrays.stream(e.getEnumConstants()).map(Enum::name).toList();
        return new FieldType.LiteralOf(names, e);
      }
      if (c.isRecord()) return new FieldType.Structured(c);
      if (c == List.class || c == Map.class || c == Optional.class) {
        throw new IllegalArgumentException(
            "raw " + c.getSimpleName() + " needs a type argument, e.g. List<String>");
      }
    }
    throw new IllegalArgumentException(
        "no DSPy type for "
            + type.getTypeName()
            + " (use String, int, long, double, boolean, List<T>, Map<String, T>, Optional<T>, an enum or a record)");
  }
}
