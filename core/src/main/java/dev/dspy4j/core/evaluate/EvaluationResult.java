package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Evaluate} found: the score as DSPy reports it and one row per example of the dev set,
 * in dev-set order.
 *
 * @param score the average metric as a percentage, 0 to 100, rounded to 2 decimals as DSPy's {@code
 *     round(100 * total / n, 2)} rounds it
 * @param total the sum of the per-example scores (failed examples count as the failure score)
 * @param rows one row per example, in dev-set order
 */
public record EvaluationResult(double score, double total, List<Row> rows) {

  public EvaluationResult {
    rows = List.copyOf(rows);
  }

  /**
   * One example's outcome.
   *
   * @param example the gold example
   * @param prediction the program's prediction; an empty prediction when the example failed
   * @param score the metric's score, or the failure score when the program or the metric failed
   * @param failure why the example failed, when it did
   */
  public record Row(
      Example example, Prediction prediction, double score, @Nullable Throwable failure) {

    public Row {
      Objects.requireNonNull(example, "example must not be null");
      Objects.requireNonNull(prediction, "prediction must not be null");
    }

    /**
     * Why the example failed (the program's or the metric's error), or empty when it was scored.
     */
    public Optional<Throwable> error() {
      return Optional.ofNullable(failure);
    }
  }

  /** The examples whose program call or metric failed (each scored with the failure score). */
  public List<Row> failures() {
    return rows.stream().filter(r -> r.failure() != null).toList();
  }

  @Override
  public String toString() {
    return "EvaluationResult(score=" + score + ", results=<list of " + rows.size() + " results>)";
  }
}
