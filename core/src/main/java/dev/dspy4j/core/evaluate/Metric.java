package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.ToDoubleBiFunction;
import reactor.core.publisher.Mono;

/**
 * A DSPy metric: how good a {@link Prediction} is for a gold {@link Example}, as a number (a
 * pass/fail metric scores {@code 1.0} or {@code 0.0}, as Python sums {@code True} as 1). Reactive,
 * so a metric may itself call an LM ({@link SemanticF1}); plain functions become metrics with
 * {@link #of}.
 */
@FunctionalInterface
public interface Metric {

  /**
   * Scores one prediction. The Mono emits one score and completes, or errors (an error counts as a
   * failed example in {@link Evaluate}); cancelling cancels any LM call the metric makes.
   */
  Mono<Double> score(Example gold, Prediction prediction);

  /** The metric's name: the column of {@link Evaluate}'s tables and files, as DSPy names it. */
  default String name() {
    return "metric";
  }

  /**
   * Whether a score counts as a pass when an optimizer bootstraps demos (DSPy calls the metric with
   * a trace there and reads its truthiness): by default any non-zero score. LM-judged metrics pass
   * at their threshold, as DSPy's return {@code score >= threshold} under a trace.
   */
  default boolean passed(double score) {
    return score != 0;
  }

  /** A metric computed by a plain function, named {@code name}. */
  static Metric of(String name, ToDoubleBiFunction<Example, Prediction> function) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(function, "function must not be null");
    return new Metric() {
      @Override
      public Mono<Double> score(Example gold, Prediction prediction) {
        return Mono.fromCallable(() -> function.applyAsDouble(gold, prediction));
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  /**
   * A pass/fail metric ({@code 1.0} when {@code test} holds, else {@code 0.0}), named {@code name}.
   */
  static Metric passFail(String name, BiPredicate<Example, Prediction> test) {
    Objects.requireNonNull(test, "test must not be null");
    return of(name, (gold, prediction) -> test.test(gold, prediction) ? 1.0 : 0.0);
  }
}
