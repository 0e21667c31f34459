package dev.dspy4j.core.batch;

import java.util.List;

/**
 * A batch run ended because inputs failed: either {@code maxErrors} failures were reached (the run
 * was cancelled, no more inputs were pulled) or the run finished with failures that were not
 * returned as {@link BatchResult.Failure}s. {@link #getCause()} is the first failure's error; the
 * next few are {@linkplain #getSuppressed() suppressed}.
 */
public class BatchFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How many causes are kept (the first ones). */
  static final int MAX_CAUSES = 5;

  private final long failed;
  private final long done;
  private final boolean stoppedEarly;
  private final List<Long> failedIndices;

  BatchFailedException(
      String message,
      long failed,
      long done,
      boolean stoppedEarly,
      List<BatchResult.Failure<?, ?>> first) {
    super(message, first.isEmpty() ? null : first.get(0).error());
    this.failed = failed;
    this.done = done;
    this.stoppedEarly = stoppedEarly;
    this.failedIndices = first.stream().map(BatchResult.Failure::index).toList();
    for (int i = 1; i < first.size(); i++) {
      addSuppressed(first.get(i).error());
    }
  }

  /** How many inputs had failed when the run ended. */
  public long failedCount() {
    return failed;
  }

  /** How many inputs had finished (successes and failures) when the run ended. */
  public long doneCount() {
    return done;
  }

  /** True when {@code maxErrors} stopped the run before all inputs were processed. */
  public boolean stoppedEarly() {
    return stoppedEarly;
  }

  /** The input positions (from 0) of the first failures, in the order they failed. */
  public List<Long> failedIndices() {
    return failedIndices;
  }
}
