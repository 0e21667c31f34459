package dev.dspy4j.core.predict;

import java.util.Map;

/**
 * Scores one attempt of {@link BestOfN} or {@link Refine}, like DSPy's {@code reward_fn(args,
 * pred)}: the program's inputs and the attempt's prediction in, a number out (higher is better). An
 * exception counts as a failed attempt.
 *
 * <p>It runs on the thread that delivered the prediction (often an event-loop thread), so it must
 * not block; a reward that needs an LM or other I/O belongs in a {@link Module} the attempt runs.
 */
@FunctionalInterface
public interface Reward {

  /** The reward of {@code prediction} for {@code inputs}. */
  double score(Map<String, ?> inputs, Prediction prediction);
}
