package dev.dspy4j.core.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A few-shot example (DSPy's {@code dspy.Example}): values of input and output fields together. An
 * example that lacks some fields is an "incomplete demo" and is rendered as DSPy renders those.
 * A field may be present with a null value (Python's {@code None}): DSPy shows it as {@code None},
 * which differs from leaving the field out ("Not supplied for this particular example.").
 *
 * @param values field name to value; a null value is kept (it stands for Python's None)
 */
public record Example(Map<String, Object> values) {

  public Example {
    Objects.requireNonNull(values, "values must not be null");
    var copy = new LinkedHashMap<String, Object>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "field names must not be null"), v));
    values = Collections.unmodifiableMap(copy);
  }

  /** An example of these field values. */
  public static Example of(Map<String, ?> values) {
    return new Example(new LinkedHashMap<>(values));
  }
}
