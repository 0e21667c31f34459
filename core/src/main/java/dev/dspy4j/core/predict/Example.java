package dev.dspy4j.core.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A few-shot example or a data row (DSPy's {@code dspy.Example}): values of input and output fields
 * together. An example that lacks some fields is an "incomplete demo" and is rendered as DSPy
 * renders those. A field may be present with a null value (Python's {@code None}): DSPy shows it as
 * {@code None}, which differs from leaving the field out ("Not supplied for this particular
 * example."). {@link #withInputs} marks which keys are inputs; {@link #inputs()} and {@link
 * #labels()} split the values as DSPy's {@code inputs()} and {@code labels()} do.
 *
 * <pre>{@code
 * Example ex = Example.of(Map.of("question", "Q", "answer", "A")).withInputs("question");
 * ex.inputs();   // {question=Q}
 * ex.labels();   // {answer=A}
 * }</pre>
 *
 * @param values field name to value, in insertion order; a null value is kept (Python's None)
 * @param inputKeys the keys marked as inputs by {@link #withInputs}, or null when never marked
 */
public record Example(Map<String, Object> values, @Nullable Set<String> inputKeys) {

  public Example {
    Objects.requireNonNull(values, "values must not be null");
    var copy = new LinkedHashMap<String, Object>();
    values.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "field names must not be null"), v));
    values = Collections.unmodifiableMap(copy);
    if (inputKeys != null) {
      inputKeys.forEach(k -> Objects.requireNonNull(k, "input keys must not be null"));
      inputKeys = Collections.unmodifiableSet(new LinkedHashSet<>(inputKeys));
    }
  }

  /** An example of these field values, with no input keys marked. */
  public Example(Map<String, Object> values) {
    this(values, null);
  }

  /** An example of these field values. */
  public static Example of(Map<String, ?> values) {
    return new Example(new LinkedHashMap<>(values));
  }

  /**
   * A copy of this example with these keys marked as inputs (replacing any marked before), like
   * DSPy's {@code with_inputs}. As in DSPy, a key need not be present: absent keys are simply not
   * among {@link #inputs()}.
   */
  public Example withInputs(String... keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    return new Example(values, new LinkedHashSet<>(List.of(keys)));
  }

  /**
   * The values of the input keys, in this example's order, like DSPy's {@code inputs()}.
   *
   * @throws IllegalStateException when {@link #withInputs} was never called, as DSPy raises
   */
  public Map<String, Object> inputs() {
    Set<String> keys = requireInputKeys();
    var out = new LinkedHashMap<String, Object>();
    values.forEach(
        (k, v) -> {
          if (keys.contains(k)) out.put(k, v);
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * The values of every key that is not an input (labels, and metadata such as {@code augmented}),
   * in this example's order, like DSPy's {@code labels()}.
   *
   * @throws IllegalStateException when {@link #withInputs} was never called, as DSPy raises
   */
  public Map<String, Object> labels() {
    Set<String> keys = requireInputKeys();
    var out = new LinkedHashMap<String, Object>();
    values.forEach(
        (k, v) -> {
          if (!keys.contains(k)) out.put(k, v);
        });
    return Collections.unmodifiableMap(out);
  }

  private Set<String> requireInputKeys() {
    if (inputKeys == null) {
      throw new IllegalStateException(
          "the inputs of this example are not set; mark them with example.withInputs(\"question\", ...)");
    }
    return inputKeys;
  }
}
