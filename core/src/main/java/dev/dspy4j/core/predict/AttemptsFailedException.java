package dev.dspy4j.core.predict;

import java.util.List;

/**
 * Every attempt of a {@link BestOfN} or {@link Refine} call failed, each within the allowed number
 * of failures, so there is no prediction to return (DSPy returns {@code None} here). The attempts'
 * errors are attached as suppressed exceptions, in the order they happened.
 */
public final class AttemptsFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The failure of all {@code attempts} attempts of {@code module}. */
  public AttemptsFailedException(String module, int attempts, List<Throwable> failures) {
    super(
        "all "
            + attempts
            + " attempts of "
            + module
            + " failed; the first failure: "
            + (failures.isEmpty() ? "none" : failures.get(0)));
    failures.forEach(this::addSuppressed);
  }
}
