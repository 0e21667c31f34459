package dev.dspy4j.core.evaluate;

import reactor.core.publisher.Mono;

/**
 * Sends an evaluation's scores somewhere after {@link Evaluate} ran, for example to Helicone next
 * to the logged requests they came from ({@code dev.dspy4j.streaming.HeliconeEvals}). Off unless
 * given to {@link Evaluate#reportTo}.
 */
@FunctionalInterface
public interface EvaluationReporter {

  /**
   * Reports the rows of {@code result} under {@code metricName}. Completes when done; an error
   * fails the evaluation's Mono with it; cancelling stops the reporting.
   */
  Mono<Void> report(EvaluationResult result, String metricName);
}
