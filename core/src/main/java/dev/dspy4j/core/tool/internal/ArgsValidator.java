package dev.dspy4j.core.tool.internal;

import dev.dspy4j.core.adapter.internal.PyRepr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The part of JSON Schema validation DSPy's {@code Tool} runs on each argument (python-jsonschema's
 * {@code validate}) for the schemas pydantic writes: {@code type}, {@code enum}, {@code items},
 * {@code properties}/{@code required}, {@code additionalProperties}, {@code anyOf}. Messages are
 * python-jsonschema's ({@code 'abc' is not of type 'integer'}).
 */
public final class ArgsValidator {

  private ArgsValidator() {}

  /** The first violation of {@code schema} by {@code value}, or empty when it is valid. */
  @SuppressWarnings("unchecked")
  public static Optional<String> violation(@Nullable Object value, Map<String, Object> schema) {
    Object anyOf = schema.get("anyOf");
    if (anyOf instanceof List<?> options) {
      for (Object o : options) {
        if (o instanceof Map<?, ?> m && violation(value, (Map<String, Object>) m).isEmpty())
          return Optional.empty();
      }
      return Optional.of(PyRepr.repr(value) + " is not valid under any of the given schemas");
    }
    Object type = schema.get("type");
    if (type instanceof String t && !isType(value, t)) {
      return Optional.of(PyRepr.repr(value) + " is not of type " + PyRepr.repr(t));
    }
    Object en = schema.get("enum");
    if (en instanceof List<?> values && !values.contains(value)) {
      return Optional.of(PyRepr.repr(value) + " is not one of " + PyRepr.repr(values));
    }
    if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      for (Object item : list) {
        Optional<String> v = violation(item, (Map<String, Object>) items);
        if (v.isPresent()) return v;
      }
    }
    if (value instanceof Map<?, ?> map) {
      if (schema.get("required") instanceof List<?> required) {
        for (Object r : required) {
          if (!map.containsKey(r)) return Optional.of(PyRepr.repr(r) + " is a required property");
        }
      }
      Map<String, Object> props =
          schema.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
      for (var e : map.entrySet()) {
        Object s = props.get(String.valueOf(e.getKey()));
        if (s instanceof Map<?, ?> ps) {
          Optional<String> v = violation(e.getValue(), (Map<String, Object>) ps);
          if (v.isPresent()) return v;
        } else if (schema.get("additionalProperties") instanceof Map<?, ?> extra) {
          Optional<String> v = violation(e.getValue(), (Map<String, Object>) extra);
          if (v.isPresent()) return v;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isType(@Nullable Object v, String type) {
    return switch (type) {
      case "string" -> v instanceof String;
      case "integer" ->
          (v instanceof Number n && !(v instanceof Boolean))
              && (!(n instanceof Double || n instanceof Float)
                  || n.doubleValue() == Math.rint(n.doubleValue()));
      case "number" -> v instanceof Number;
      case "boolean" -> v instanceof Boolean;
      case "array" -> v instanceof List;
      case "object" -> v instanceof Map;
      case "null" -> v == null;
      default -> true;
    };
  }
}
