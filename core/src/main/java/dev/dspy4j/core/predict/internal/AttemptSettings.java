package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Reward;
import java.util.Objects;

/** The checks of the settings {@code BestOfN} and {@code Refine} share: one owner for both. */
public final class AttemptSettings {

  private AttemptSettings() {}

  /**
   * Checks the arguments of {@code BestOfN.of} and {@code Refine.of}.
   *
   * @throws NullPointerException when {@code module} or {@code reward} is null
   * @throws IllegalArgumentException when {@code n} is below 1 or the threshold is NaN
   */
  public static void check(Module module, int n, Reward reward, double threshold) {
    Objects.requireNonNull(module, "module must not be null");
    Objects.requireNonNull(reward, "reward must not be null");
    if (n < 1) throw new IllegalArgumentException("N must be at least 1, was " + n);
    if (Double.isNaN(threshold)) throw new IllegalArgumentException("threshold must be a number");
  }

  /**
   * {@code failCount}, checked.
   *
   * @throws IllegalArgumentException when negative
   */
  public static int failCount(int failCount) {
    if (failCount < 0)
      throw new IllegalArgumentException("failCount must not be negative, was " + failCount);
    return failCount;
  }

  /**
   * The first attempt's rollout id, checked.
   *
   * @throws IllegalArgumentException when negative
   */
  public static int startRolloutId(int start) {
    if (start < 0)
      throw new IllegalArgumentException("the start rollout id must not be negative, was " + start);
    return start;
  }
}
