package dev.dspy4j.core.predict;

import dev.dspy4j.core.lm.Usage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The result of a module call: the parsed output fields. (Being completed by the Predict issue:
 * completions, usage, response metadata, typed access.)
 */
public final class Prediction {

  private final Map<String, Object> fields;
  private final Usage usage;

  private Prediction(Map<String, ?> fields, Usage usage) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.usage = Objects.requireNonNull(usage, "usage");
  }

  /** A prediction of these field values. */
  public static Prediction of(Map<String, ?> fields) {
    return new Prediction(fields, Usage.ZERO);
  }

  /** The value of a field as text. */
  public String get(String field) {
    Object v = fields.get(field);
    if (v == null) {
      throw new NoSuchElementException("no output field '" + field + "'; fields are " + fields.keySet());
    }
    return v.toString();
  }

  /** All field values, in signature order. */
  public Map<String, Object> fields() {
    return fields;
  }

  /** Tokens used to produce this prediction. */
  public Usage usage() {
    return usage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && fields.equals(p.fields) && usage.equals(p.usage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fields, usage);
  }

  @Override
  public String toString() {
    return "Prediction" + fields;
  }
}
