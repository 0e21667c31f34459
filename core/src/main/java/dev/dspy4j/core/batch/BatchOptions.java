package dev.dspy4j.core.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How {@link Batch#run} processes its inputs. Immutable; build with {@link #builder()} or take
 * {@link #of(int)}.
 *
 * <ul>
 *   <li>{@code concurrency}: at most this many calls in flight (default 8, like DSPy's
 *       num_threads).
 *   <li>{@code ordered}: results in input order (default) or as they finish. Ordered mode keeps at
 *       most {@code concurrency + reorderWindow} results waiting for an earlier slow one.
 *   <li>{@code maxErrors}: the run errors with {@link BatchFailedException} and stops pulling
 *       inputs once this many inputs failed. Default: 1 (fail fast), or unlimited with {@code
 *       returnFailed}.
 *   <li>{@code returnFailed}: failed inputs come back as {@link BatchResult.Failure} instead of
 *       being held back; without it, failures below {@code maxErrors} end the run with a {@link
 *       BatchFailedException} after all successes were emitted (nothing is silently dropped).
 *   <li>{@code itemTimeout}: a call that takes longer fails with a {@link
 *       java.util.concurrent.TimeoutException}.
 *   <li>{@code onProgress}: called with a {@link BatchProgress} at most every {@code
 *       progressInterval} (default 200 ms) while results arrive, and once when the run ends.
 * </ul>
 */
public final class BatchOptions {

  private final int concurrency;
  private final boolean ordered;
  private final int reorderWindow;
  private final int maxErrors;
  private final boolean returnFailed;
  private final @Nullable Duration itemTimeout;
  private final @Nullable Consumer<BatchProgress> onProgress;
  private final Duration progressInterval;
  private final long expectedTotal;
  private final Scheduler scheduler;
  private final @Nullable Integer explicitMaxErrors;
  private final @Nullable Integer explicitReorderWindow;

  private BatchOptions(Builder b) {
    this.concurrency = b.concurrency;
    this.ordered = b.ordered;
    this.explicitReorderWindow = b.reorderWindow;
    this.reorderWindow = b.reorderWindow != null ? b.reorderWindow : b.concurrency;
    this.explicitMaxErrors = b.maxErrors;
    this.maxErrors = b.maxErrors != null ? b.maxErrors : b.returnFailed ? Integer.MAX_VALUE : 1;
    this.returnFailed = b.returnFailed;
    this.itemTimeout = b.itemTimeout;
    this.onProgress = b.onProgress;
    this.progressInterval = b.progressInterval;
    this.expectedTotal = b.expectedTotal;
    this.scheduler = b.scheduler;
  }

  /** Ordered, fail-fast options with this concurrency. */
  public static BatchOptions of(int concurrency) {
    return builder().concurrency(concurrency).build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    var b = new Builder();
    b.concurrency = concurrency;
    b.ordered = ordered;
    b.reorderWindow = explicitReorderWindow;
    b.maxErrors = explicitMaxErrors;
    b.returnFailed = returnFailed;
    b.itemTimeout = itemTimeout;
    b.onProgress = onProgress;
    b.progressInterval = progressInterval;
    b.expectedTotal = expectedTotal;
    b.scheduler = scheduler;
    return b;
  }

  /** The most calls in flight at once. */
  public int concurrency() {
    return concurrency;
  }

  /** Whether results come back in input order. */
  public boolean ordered() {
    return ordered;
  }

  /**
   * In ordered mode, how many finished results beyond {@code concurrency} may wait for a slow
   * earlier one.
   */
  public int reorderWindow() {
    return reorderWindow;
  }

  /** The number of failed inputs that stops the run ({@link Integer#MAX_VALUE}: never). */
  public int maxErrors() {
    return maxErrors;
  }

  /** Whether failed inputs come back as {@link BatchResult.Failure}. */
  public boolean returnFailed() {
    return returnFailed;
  }

  /** The time limit of one call, if any. */
  public Optional<Duration> itemTimeout() {
    return Optional.ofNullable(itemTimeout);
  }

  /** The progress callback, if any. */
  public Optional<Consumer<BatchProgress>> onProgress() {
    return Optional.ofNullable(onProgress);
  }

  /** The least time between two progress callbacks (the final one is always made). */
  public Duration progressInterval() {
    return progressInterval;
  }

  /** The number of inputs, when given (it enables the ETA). */
  public OptionalLong expectedTotal() {
    return expectedTotal < 0 ? OptionalLong.empty() : OptionalLong.of(expectedTotal);
  }

  /** The scheduler whose clock times the run and whose timers enforce {@code itemTimeout}. */
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public String toString() {
    return "BatchOptions[concurrency="
        + concurrency
        + ", ordered="
        + ordered
        + (ordered ? ", reorderWindow=" + reorderWindow : "")
        + ", maxErrors="
        + (maxErrors == Integer.MAX_VALUE ? "unlimited" : maxErrors)
        + ", returnFailed="
        + returnFailed
        + (itemTimeout == null ? "" : ", itemTimeout=" + itemTimeout)
        + (expectedTotal < 0 ? "" : ", expectedTotal=" + expectedTotal)
        + "]";
  }

  /** Builder for {@link BatchOptions}; each setting is validated where it is set. */
  public static final class Builder {
    private int concurrency = 8;
    private boolean ordered = true;
    private @Nullable Integer reorderWindow;
    private @Nullable Integer maxErrors;
    private boolean returnFailed;
    private @Nullable Duration itemTimeout;
    private @Nullable Consumer<BatchProgress> onProgress;
    private Duration progressInterval = Duration.ofMillis(200);
    private long expectedTotal = -1;
    private Scheduler scheduler = Schedulers.parallel();

    private Builder() {}

    /** At most this many calls in flight (at least 1; default 8). */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** Results in input order (true, the default) or as they finish (false). */
    public Builder ordered(boolean ordered) {
      this.ordered = ordered;
      return this;
    }

    /**
     * In ordered mode, how many finished results beyond {@code concurrency} may wait for a slow
     * earlier one before the run stops starting new calls (at least 0; default: {@code
     * concurrency}).
     */
    public Builder reorderWindow(int reorderWindow) {
      if (reorderWindow < 0) {
        throw new IllegalArgumentException(
            "reorderWindow must not be negative, was " + reorderWindow);
      }
      this.reorderWindow = reorderWindow;
      return this;
    }

    /**
     * Stop the run with a {@link BatchFailedException} once this many inputs failed (at least 1).
     */
    public Builder maxErrors(int maxErrors) {
      if (maxErrors < 1) {
        throw new IllegalArgumentException("maxErrors must be at least 1, was " + maxErrors);
      }
      this.maxErrors = maxErrors;
      return this;
    }

    /**
     * Return failed inputs as {@link BatchResult.Failure} rather than failing the run (default
     * false).
     */
    public Builder returnFailed(boolean returnFailed) {
      this.returnFailed = returnFailed;
      return this;
    }

    /** Fail a call that has not finished within {@code itemTimeout} (positive). */
    public Builder itemTimeout(Duration itemTimeout) {
      Objects.requireNonNull(itemTimeout, "itemTimeout must not be null");
      if (itemTimeout.isNegative() || itemTimeout.isZero()) {
        throw new IllegalArgumentException("itemTimeout must be positive, was " + itemTimeout);
      }
      this.itemTimeout = itemTimeout;
      return this;
    }

    /**
     * Call {@code onProgress} as results arrive (at most every {@link #progressInterval}) and once
     * at the end. It runs on the thread delivering results: keep it short and non-blocking. If it
     * throws, the run errors with that exception.
     */
    public Builder onProgress(Consumer<BatchProgress> onProgress) {
      this.onProgress = Objects.requireNonNull(onProgress, "onProgress must not be null");
      return this;
    }

    /**
     * The least time between two progress callbacks (not negative; default 200 ms; zero: every
     * result).
     */
    public Builder progressInterval(Duration progressInterval) {
      Objects.requireNonNull(progressInterval, "progressInterval must not be null");
      if (progressInterval.isNegative()) {
        throw new IllegalArgumentException(
            "progressInterval must not be negative, was " + progressInterval);
      }
      this.progressInterval = progressInterval;
      return this;
    }

    /** The number of inputs, for the progress ETA (not negative). */
    public Builder expectedTotal(long expectedTotal) {
      if (expectedTotal < 0) {
        throw new IllegalArgumentException(
            "expectedTotal must not be negative, was " + expectedTotal);
      }
      this.expectedTotal = expectedTotal;
      return this;
    }

    /**
     * The scheduler for the run's clock and item timeouts (default {@link Schedulers#parallel()}).
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /** The options. */
    public BatchOptions build() {
      return new BatchOptions(this);
    }
  }
}
