package dev.dspy4j.core.lm;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * When and after how long a failed LM call is tried again: the one retry rule of every {@link
 * LmChain} (transport failures and 429s alike), usable with any {@code retryWhen}.
 *
 * <p>A failure passing the {@linkplain Builder#filter filter} (default: a retryable {@link
 * LmException}: connection failures, timeouts, 408, 409, 429, 5xx) is retried up to {@link
 * #maxRetries()} times. The wait before retry {@code n} (from 0) is an exponential backoff {@code
 * backoff × 2ⁿ}, capped at {@code maxBackoff}, shortened by a random fraction of up to {@code
 * jitter} (default 0.5: each wait is drawn from the upper half), so calls that failed together do
 * not return together. A server's {@code Retry-After} ({@link LmException#retryAfter()}) is a
 * minimum wait; one beyond {@code maxRetryAfter} fails the call at once, its message saying how
 * long the server asked for. Waits are timers on the policy's {@link Scheduler}: no thread sleeps,
 * and tests run them in virtual time.
 *
 * <p>The last failure is what the subscriber sees, with the number of attempts and why retrying
 * stopped ({@link LmException#recordAttempts}); each retry is logged once at INFO with the reason
 * and the wait. Immutable and thread-safe.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder().maxRetries(5).backoff(Duration.ofMillis(200)).build();
 * LanguageModel lm = LmChain.builder(transport).retry(policy).build();
 * }</pre>
 */
public final class RetryPolicy extends Retry {

  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  private static final RetryPolicy DEFAULTS = new Builder().build();
  private static final RetryPolicy NONE = new Builder().maxRetries(0).build();

  /** The attempt note of a failure not retried because {@code maxRetries} is 0. */
  private static final String RETRIES_OFF = "not retried, retries are off";

  private final int maxRetries;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final double jitter;
  private final Predicate<? super Throwable> filter;

  /**
   * Null: {@link Schedulers#parallel()} looked up at each wait, so virtual time in tests applies.
   */
  private final @Nullable Scheduler scheduler;

  private final DoubleSupplier random;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.jitter = b.jitter;
    this.filter = b.filter;
    this.scheduler = b.scheduler;
    this.random = b.random;
  }

  /**
   * 3 retries (as DSPy), backoff from 1 s doubling up to 30 s with jitter 0.5, a server's
   * Retry-After honoured up to 60 s.
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** No retries: every failure reaches the caller after one attempt. */
  public static RetryPolicy none() {
    return NONE;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** How many times one call is retried after its first attempt. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The first backoff; doubled per retry up to {@link #maxBackoff()}. */
  public Duration backoff() {
    return backoff;
  }

  /**
   * The longest computed backoff (a longer Retry-After still wins, up to {@link #maxRetryAfter()}).
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The longest server Retry-After waited for; a longer one fails the call at once. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** The fraction (0..1) by which a backoff may be shortened at random. */
  public double jitter() {
    return jitter;
  }

  /**
   * What {@code retryWhen(this)} makes of a first attempt's failure when {@link #maxRetries()} is
   * 0, for a caller that then leaves the operator out (it costs a sink and a serialising hop per
   * call that would never retry): an {@link LmException} this policy would otherwise retry is noted
   * as "not retried, retries are off". {@link #none()} notes nothing, as the chain never puts it in
   * a {@code retryWhen}.
   */
  public Throwable notRetried(Throwable failure) {
    if (this != NONE && failure instanceof LmException lm && filter.test(failure)) {
      lm.recordAttempts(1, RETRIES_OFF);
    }
    return failure;
  }

  /**
   * The companion of {@code retryWhen}: emits after the wait to retry, or errors with the failure
   * (its attempts recorded when it is an {@link LmException}) once retrying stops.
   */
  @Override
  public Flux<Long> generateCompanion(Flux<RetrySignal> signals) {
    return signals.concatMap(
        signal -> {
          Throwable failure = signal.failure();
          long retry = signal.totalRetries();
          int attempts = (int) Math.min(Integer.MAX_VALUE, retry + 1);
          LmException lm = failure instanceof LmException e ? e : null;
          if (!filter.test(failure)) {
            if (lm != null && attempts > 1) {
              lm.recordAttempts(attempts, "this error is not retried");
            }
            return Mono.error(failure);
          }
          if (retry >= maxRetries) {
            if (lm != null) {
              lm.recordAttempts(
                  attempts,
                  maxRetries == 0
                      ? RETRIES_OFF
                      : "gave up after " + maxRetries + (maxRetries == 1 ? " retry" : " retries"));
            }
            return Mono.error(failure);
          }
          Duration serverWait = lm == null ? Duration.ZERO : lm.retryAfter().orElse(Duration.ZERO);
          if (lm != null && serverWait.compareTo(maxRetryAfter) > 0) {
            lm.recordAttempts(
                attempts,
                "not retried, the server asked to wait "
                    + seconds(serverWait)
                    + ", beyond maxRetryAfter of "
                    + seconds(maxRetryAfter));
            return Mono.error(failure);
          }
          Duration wait = delay(retry, serverWait);
          if (LOG.isInfoEnabled()) {
            LOG.info(
                "LM call failed, retry {} of {} in {}: {}: {}",
                retry + 1,
                maxRetries,
                seconds(wait),
                failure.getClass().getSimpleName(),
                failure.getMessage());
          }
          return scheduler == null ? Mono.delay(wait) : Mono.delay(wait, scheduler);
        });
  }

  /**
   * The wait before retry number {@code retry} (from 0): the jittered backoff, or {@code
   * serverWait} when that is longer.
   */
  Duration delay(long retry, Duration serverWait) {
    long ceiling = backoff.toNanos() << Math.min(retry, 30);
    if (ceiling <= 0 || ceiling > maxBackoff.toNanos()) {
      ceiling = maxBackoff.toNanos();
    }
    double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
    long jittered = ceiling - Math.round(ceiling * jitter * r);
    Duration computed = Duration.ofNanos(jittered);
    return computed.compareTo(serverWait) >= 0 ? computed : serverWait;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxRetries="
        + maxRetries
        + ", backoff="
        + backoff
        + ".."
        + maxBackoff
        + ", jitter="
        + jitter
        + ", maxRetryAfter="
        + maxRetryAfter
        + "]";
  }

  /** Builds a {@link RetryPolicy}; starts from {@link #defaults()}. Not thread-safe. */
  public static final class Builder {
    private int maxRetries = 3;
    private Duration backoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private double jitter = 0.5;
    private Predicate<? super Throwable> filter = RetryPolicy::retryable;
    private @Nullable Scheduler scheduler;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    private Builder(RetryPolicy p) {
      this.maxRetries = p.maxRetries;
      this.backoff = p.backoff;
      this.maxBackoff = p.maxBackoff;
      this.maxRetryAfter = p.maxRetryAfter;
      this.jitter = p.jitter;
      this.filter = p.filter;
      this.scheduler = p.scheduler;
      this.random = p.random;
    }

    /** Retries after the first attempt (at least 0; default 3). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The first backoff, doubled per retry (positive; default 1 s). */
    public Builder backoff(Duration backoff) {
      this.backoff = positive(backoff, "backoff");
      return this;
    }

    /** The longest computed backoff (positive; default 30 s). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * The longest server Retry-After waited for (not negative; default 60 s); a longer one fails at
     * once.
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      Objects.requireNonNull(maxRetryAfter, "maxRetryAfter must not be null");
      if (maxRetryAfter.isNegative()) {
        throw new IllegalArgumentException(
            "maxRetryAfter must not be negative, was " + maxRetryAfter);
      }
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /**
     * The fraction (0..1, default 0.5) by which each backoff may be shortened at random; 0 is
     * exact.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** Which failures are retried (default: {@link LmException#isRetryable()}). */
    public Builder filter(Predicate<? super Throwable> filter) {
      this.filter = Objects.requireNonNull(filter, "filter must not be null");
      return this;
    }

    /**
     * Where the waits run (default {@link Schedulers#parallel()}; a virtual-time scheduler in
     * tests).
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /** The source of uniform values in [0, 1) for the jitter (tests make it deterministic). */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random must not be null");
      return this;
    }

    /** The immutable policy. */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }

  private static boolean retryable(Throwable failure) {
    return failure instanceof LmException e && e.isRetryable();
  }
}
