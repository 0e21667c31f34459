package dev.dspy4j.core.predict.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * DSPy's failure rule of {@code BestOfN} and {@code Refine}, for one call: when attempt {@code idx}
 * (0-based) fails, the call fails with that error if {@code idx > failCount}, otherwise {@code
 * failCount} goes down by one and the next attempt runs. DSPy keeps the counter on the module, so
 * it shrinks from call to call; here each call starts again from the configured count. Thread-safe.
 */
public final class AttemptBudget {

  private int failCount;
  private final List<Throwable> failures = new ArrayList<>();

  /** A budget starting at {@code failCount}. */
  public AttemptBudget(int failCount) {
    this.failCount = failCount;
  }

  /** Records the failure of attempt {@code idx}; false when the call must fail with it. */
  public synchronized boolean tolerate(int idx, Throwable error) {
    failures.add(error);
    if (idx > failCount) return false;
    failCount--;
    return true;
  }

  /** The failures recorded so far, in order. */
  public synchronized List<Throwable> failures() {
    return List.copyOf(failures);
  }
}
