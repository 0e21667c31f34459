package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.evaluate.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * DSPy's {@code dspy.majority}: the most common value of one field over several completions (the
 * choices of an {@code n > 1} call, or predictions gathered by hand), compared after normalisation.
 *
 * <pre>{@code
 * Mono<Prediction> voted = cot.withN(5).call(inputs)
 *     .map(Majority::majority);                          // the first completion with the commonest answer
 * }</pre>
 *
 * <p>As in DSPy: the field is the last one of the first completion unless named; values are
 * compared after {@link #normalize} (DSPy's {@code normalize_text}; a value that normalises to
 * nothing does not vote, unless no value votes, then they all count as the same empty vote); a tie
 * goes to the value seen first; the result is a Prediction of the first completion holding the
 * winning value. A value that is not text is compared as Python's {@code str()} shows it.
 */
public final class Majority {

  private Majority() {}

  /** The majority over a prediction's completions, on its last field. */
  public static Prediction majority(Prediction prediction) {
    return majority(
        Objects.requireNonNull(prediction, "prediction must not be null").completions(), null);
  }

  /** The majority over these completions (or predictions' field maps), on the last field. */
  public static Prediction majority(List<? extends Map<String, ?>> completions) {
    return majority(completions, null);
  }

  /** The majority over these completions on {@code field} (the last field when null). */
  public static Prediction majority(
      List<? extends Map<String, ?>> completions, @Nullable String field) {
    return majority(completions, field, Majority::normalize);
  }

  /**
   * The majority over these completions on {@code field} (the last field when null), comparing the
   * values as {@code normalize} returns them; a null from {@code normalize} means "does not vote".
   *
   * @throws IllegalArgumentException when there are no completions or a completion lacks the field
   */
  public static Prediction majority(
      List<? extends Map<String, ?>> completions,
      @Nullable String field,
      Function<String, @Nullable String> normalize) {
    Objects.requireNonNull(completions, "completions must not be null");
    Objects.requireNonNull(normalize, "normalize must not be null");
    if (completions.isEmpty())
      throw new IllegalArgumentException("majority needs at least one completion");
    String key = field;
    if (key == null) {
      var keys = new ArrayList<String>(completions.get(0).keySet());
      if (keys.isEmpty()) throw new IllegalArgumentException("the first completion has no fields");
      key = keys.get(keys.size() - 1);
    }
    var normalized = new ArrayList<@Nullable String>();
    for (var completion : completions) {
      Objects.requireNonNull(completion, "completions must not contain null");
      if (!completion.containsKey(key)) {
        throw new IllegalArgumentException(
            "a completion has no field '" + key + "'; its fields are " + completion.keySet());
      }
      normalized.add(normalize.apply(text(completion.get(key))));
    }
    List<@Nullable String> voters =
        normalized.stream().anyMatch(Objects::nonNull)
            ? normalized.stream().filter(Objects::nonNull).toList()
            : normalized;
    var counts = new LinkedHashMap<@Nullable String, Integer>();
    for (String v : voters) counts.merge(v, 1, Integer::sum);
    String winner = null;
    int best = -1;
    for (var e : counts.entrySet()) {
      if (e.getValue() > best) {
        best = e.getValue();
        winner = e.getKey();
      }
    }
    for (int i = 0; i < completions.size(); i++) {
      if (Objects.equals(normalized.get(i), winner)) return Prediction.of(completions.get(i));
    }
    throw new IllegalStateException("unreachable: the winning value comes from a completion");
  }

  /** DSPy's {@code default_normalize}: {@code normalize_text(s)}, or null when that is empty. */
  public static @Nullable String normalize(String text) {
    String n = Metrics.normalizeText(Objects.requireNonNull(text, "text must not be null"));
    return n.isEmpty() ? null : n;
  }

  private static String text(@Nullable Object value) {
    return value instanceof String s ? s : PyJson.render(value);
  }
}
