package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.JavaConversion;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.helicone.HeliconeMetadata;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of a module call, like {@code dspy.Prediction}: the parsed output fields of the first
 * choice, all choices when {@code n > 1}, token usage and the LM response's metadata (gateway
 * request id, cache hit, the Helicone response headers). Immutable.
 *
 * <p>An optional output the LM did not produce is absent from {@link #fields()}; {@link #value}
 * returns empty for it. Equality compares fields, completions and usage, not the metadata.
 */
public final class Prediction {

  private final Map<String, Object> fields;
  private final List<Map<String, Object>> completions;
  private final Usage usage;
  private final @Nullable String requestId;
  private final boolean cacheHit;
  private final HeliconeMetadata helicone;

  private static final HeliconeMetadata NO_METADATA = HeliconeMetadata.from(Map.of());

  private Prediction(
      Map<String, ?> fields,
      List<? extends Map<String, ?>> completions,
      Usage usage,
      @Nullable String requestId,
      boolean cacheHit,
      HeliconeMetadata helicone) {
    this.fields = present(fields);
    var all = new ArrayList<Map<String, Object>>();
    // The first completion is usually the fields map itself: presented once.
    for (var c : completions) all.add(c == fields ? this.fields : present(c));
    if (all.isEmpty()) all.add(this.fields);
    this.completions = List.copyOf(all);
    this.usage = Objects.requireNonNull(usage, "usage");
    this.requestId = requestId;
    this.cacheHit = cacheHit;
    this.helicone = Objects.requireNonNull(helicone, "helicone");
  }

  private static Map<String, Object> present(Map<String, ?> values) {
    Objects.requireNonNull(values, "fields must not be null");
    var out = new LinkedHashMap<String, Object>();
    values.forEach(
        (k, v) -> {
          if (v != null) out.put(Objects.requireNonNull(k, "field names must not be null"), v);
        });
    return Collections.unmodifiableMap(out);
  }

  /** A prediction of these field values (no usage, no metadata). */
  public static Prediction of(Map<String, ?> fields) {
    return new Prediction(fields, List.of(), Usage.ZERO, null, false, NO_METADATA);
  }

  /**
   * The prediction parsed from {@code response}: its usage and metadata, one completion per choice.
   */
  static Prediction of(List<? extends Map<String, ?>> completions, LmResponse response) {
    return new Prediction(
        completions.get(0),
        completions,
        response.usage(),
        response.requestId().orElse(null),
        response.cacheHit(),
        HeliconeMetadata.from(response));
  }

  /** This prediction with another usage (the sum of a program call, see {@link ProgramUsage}). */
  Prediction withUsage(Usage usage) {
    return usage.equals(this.usage)
        ? this
        : new Prediction(fields, completions, usage, requestId, cacheHit, helicone);
  }

  /**
   * The value of a field as text: strings as they are, lists and maps as JSON, booleans as {@code
   * True}/{@code False} (what DSPy would show).
   *
   * @throws NoSuchElementException when there is no such field (or an optional one was not
   *     produced)
   */
  public String get(String field) {
    return PyJson.render(require(field));
  }

  /**
   * The value of a field converted to {@code type}: {@code Double.class} for a float, {@code
   * Integer.class} or {@code Long.class} for an int, a record class for a structured output, an
   * enum, {@code List.class}, {@code String.class}...
   *
   * @throws NoSuchElementException when there is no such field
   * @throws IllegalArgumentException when the value cannot be converted
   */
  public <T> T get(String field, Class<T> type) {
    Objects.requireNonNull(type, "type must not be null");
    Object converted = JavaConversion.convert(require(field), type);
    @SuppressWarnings("unchecked")
    T t = (T) converted;
    return t;
  }

  /**
   * The parsed value of a field (String, Long, Double, Boolean, List, Map, enum or record), if
   * present.
   */
  public Optional<Object> value(String field) {
    return Optional.ofNullable(fields.get(Objects.requireNonNull(field, "field must not be null")));
  }

  private Object require(String field) {
    Objects.requireNonNull(field, "field must not be null");
    Object v = fields.get(field);
    if (v == null) {
      throw new NoSuchElementException(
          "no value for output field '" + field + "'; fields with values are " + fields.keySet());
    }
    return v;
  }

  /** All field values of the first choice, in signature order. */
  public Map<String, Object> fields() {
    return fields;
  }

  /** The field values of every choice (one when {@code n} is 1); the first is {@link #fields()}. */
  public List<Map<String, Object>> completions() {
    return completions;
  }

  /**
   * Tokens used to produce this prediction, summed over the whole call as DSPy's {@code
   * get_lm_usage()}: for a {@code Predict} or {@code ChainOfThought} its LM calls (a JSON
   * fallback's included); for a composite module made with {@code Module.of}, every LM call beneath
   * (a hand-written {@code call} returns whatever its last step returned). {@link Usage#ZERO} on a
   * cache hit or when unknown.
   */
  public Usage usage() {
    return usage;
  }

  /** The gateway's request id of the LM response, when the LM reported one. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** True when the LM answer came from a cache. */
  public boolean cacheHit() {
    return cacheHit;
  }

  /**
   * What the Helicone gateway said about the LM response (request id, cache status, rate-limit
   * budget...), read from its response headers. Every part is empty when there was no response with
   * headers: a prediction built with {@link #of(Map)}, a client-cache hit, a streamed call (the
   * stream's chunks carry no headers) or an endpoint other than Helicone.
   */
  public HeliconeMetadata helicone() {
    return helicone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && fields.equals(p.fields)
        && completions.equals(p.completions)
        && usage.equals(p.usage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fields, completions, usage);
  }

  @Override
  public String toString() {
    return "Prediction" + fields;
  }
}
