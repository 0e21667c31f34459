package dev.dspy4j.core.signature;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The type of a signature field, named as DSPy names it ({@code str}, {@code list[str]}, {@code
 * Literal['yes', 'no']}, a record's class name, ...). The name appears in prompts, so it must match
 * DSPy's {@code get_annotation_name} exactly.
 */
public sealed interface FieldType {

  /** {@code str}. */
  FieldType STR = new Str();

  /** {@code int}. */
  FieldType INT = new Int();

  /** {@code float}. */
  FieldType FLOAT = new Float();

  /** {@code bool}. */
  FieldType BOOL = new Bool();

  /** {@code Any}: any JSON value (Java {@code Object}). */
  FieldType ANY = new AnyType();

  /** {@code dspy.History}: conversation turns rendered as user/assistant message pairs. */
  FieldType HISTORY = new HistoryType();

  /** The type name as DSPy writes it in prompts. */
  String dspyName();

  /** True for {@code Optional[T]}: an output may be missing and an input may be omitted. */
  default boolean isOptional() {
    return false;
  }

  /** {@code list[T]}. */
  static FieldType listOf(FieldType element) {
    return new ListOf(element);
  }

  /** {@code dict[str, T]}. */
  static FieldType dictOf(FieldType value) {
    return new DictOf(value);
  }

  /** {@code Optional[T]}. */
  static FieldType optional(FieldType inner) {
    return inner instanceof OptionalOf ? inner : new OptionalOf(inner);
  }

  /** {@code Literal['a', 'b']}. */
  static FieldType literal(List<String> values) {
    return new LiteralOf(values, null);
  }

  /** The text type {@code str}. */
  record Str() implements FieldType {
    @Override
    public String dspyName() {
      return "str";
    }
  }

  /** Whole numbers, {@code int}. */
  record Int() implements FieldType {
    @Override
    public String dspyName() {
      return "int";
    }
  }

  /** Floating-point numbers, {@code float}. */
  record Float() implements FieldType {
    @Override
    public String dspyName() {
      return "float";
    }
  }

  /** {@code bool}, rendered {@code True}/{@code False}. */
  record Bool() implements FieldType {
    @Override
    public String dspyName() {
      return "bool";
    }
  }

  /** Any JSON value, {@code typing.Any}. */
  record AnyType() implements FieldType {
    @Override
    public String dspyName() {
      return "Any";
    }
  }

  /** Conversation history ({@link History}). */
  record HistoryType() implements FieldType {
    @Override
    public String dspyName() {
      return "History";
    }
  }

  /** {@code list[T]}. */
  record ListOf(FieldType element) implements FieldType {
    public ListOf {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public String dspyName() {
      return "list[" + element.dspyName() + "]";
    }
  }

  /** {@code dict[str, T]} (keys are always strings). */
  record DictOf(FieldType value) implements FieldType {
    public DictOf {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String dspyName() {
      return "dict[str, " + value.dspyName() + "]";
    }
  }

  /**
   * {@code Optional[T]}; named {@code Union[T, NoneType]} because that is what DSPy's {@code
   * get_annotation_name} prints for both {@code Optional[T]} and {@code T | None}.
   */
  record OptionalOf(FieldType inner) implements FieldType {
    public OptionalOf {
      Objects.requireNonNull(inner, "inner");
    }

    @Override
    public String dspyName() {
      return "Union[" + inner.dspyName() + ", NoneType]";
    }

    @Override
    public boolean isOptional() {
      return true;
    }
  }

  /**
   * {@code Literal['a', 'b']}, also used for Java enums (their constant names). An enum is named by
   * its simple class name, as DSPy names a Python {@code Enum} field ({@code Status}), and told to
   * the LM as "must be one of: a; b"; a plain literal is named {@code Literal['a', 'b']}.
   *
   * @param values the allowed values, in order
   * @param enumType the Java enum these values name, or null for a plain string literal
   */
  record LiteralOf(List<String> values, @Nullable Class<? extends Enum<?>> enumType)
      implements FieldType {
    public LiteralOf {
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("a Literal needs at least one value");
      }
    }

    @Override
    public String dspyName() {
      if (enumType != null) return enumType.getSimpleName();
      return values.stream()
          .map(LiteralOf::quote)
          .collect(Collectors.joining(", ", "Literal[", "]"));
    }

    /** Python's quoting of a string inside a Literal annotation (DSPy's rules). */
    private static String quote(String s) {
      boolean single = s.indexOf('\'') >= 0;
      boolean dbl = s.indexOf('"') >= 0;
      if (single && !dbl) return "\"" + s + "\"";
      if (single) return "'" + s.replace("'", "\\'") + "'";
      return "'" + s + "'";
    }
  }

  /** A record type, named by its simple class name and described to the LM by a JSON schema. */
  record Structured(Class<?> type) implements FieldType {
    public Structured {
      Objects.requireNonNull(type, "type");
      if (!type.isRecord()) {
        throw new IllegalArgumentException(type.getName() + " is not a record");
      }
    }

    @Override
    public String dspyName() {
      return type.getSimpleName();
    }
  }
}
