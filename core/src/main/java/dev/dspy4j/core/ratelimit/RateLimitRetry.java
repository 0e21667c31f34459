package dev.dspy4j.core.ratelimit;

import dev.dspy4j.core.lm.RateLimitException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A {@link Retry} for {@code retryWhen} that retries only {@link RateLimitException}s (HTTP 429).
 * The wait before retry {@code n} (from 0) is the server's {@code Retry-After} when it is longer than
 * the exponential backoff {@code minBackoff × 2ⁿ} (capped at {@code maxBackoff}), stretched by a
 * random factor in {@code [1, 1 + jitter)} so that calls rate-limited together do not return together.
 * A {@code Retry-After} above {@code maxRetryAfter} fails at once, saying how long the server asked for.
 * Other errors, and the error after {@code maxRetries} retries, pass through unchanged.
 *
 * <p>Place it outside {@link RateLimiter#run}, so each retry queues for a permit again:
 * {@code limiter.run(lm.complete(r)).retryWhen(RateLimitRetry.defaults())}.
 */
public final class RateLimitRetry extends Retry {

  private final int maxRetries;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final double jitter;
  private final DoubleSupplier random;
  private final Scheduler scheduler;

  private RateLimitRetry(Builder b) {
    this.maxRetries = b.maxRetries;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.jitter = b.jitter;
    this.random = b.random;
    this.scheduler = b.scheduler;
  }

  /** 5 retries, backoff from 1 s to 30 s, jitter 0.5, Retry-After honoured up to 60 s. */
  public static RateLimitRetry defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The companion of {@code retryWhen}: emits (after the wait) to retry a {@link RateLimitException},
   * errors with the original error otherwise or once the retries are used up.
   */
  @Override
  public Flux<Long> generateCompanion(Flux<RetrySignal> signals) {
    return signals.concatMap(signal -> {
      Throwable failure = signal.failure();
      if (!(failure instanceof RateLimitException rateLimited) || signal.totalRetries() >= maxRetries) {
        return Mono.error(failure);
      }
      var retryAfter = rateLimited.retryAfter();
      if (retryAfter.isPresent() && retryAfter.get().compareTo(maxRetryAfter) > 0) {
        return Mono.error(new RateLimitException(
            "rate limited and the server asked to wait " + retryAfter.get().toMillis() + " ms, more than"
                + " maxRetryAfter (" + maxRetryAfter.toMillis() + " ms); try later or raise maxRetryAfter",
            rateLimited.statusCode(),
            rateLimited.requestId().orElse(null),
            retryAfter.get(),
            rateLimited.serverMessage().orElse(null),
            rateLimited));
      }
      return Mono.delay(delay(signal.totalRetries(), rateLimited), scheduler);
    });
  }

  /** The wait before retry number {@code retry} (from 0) of {@code error}, jitter included. */
  Duration delay(long retry, RateLimitException error) {
    long backoff = minBackoff.toMillis() << Math.min(retry, 30);
    backoff = Math.min(backoff, maxBackoff.toMillis());
    long base = Math.max(backoff, error.retryAfter().map(Duration::toMillis).orElse(0L));
    double factor = 1 + jitter * random.getAsDouble();
    return Duration.ofMillis(Math.round(base * factor));
  }

  @Override
  public String toString() {
    return "RateLimitRetry[maxRetries=" + maxRetries + ", backoff=" + minBackoff + ".." + maxBackoff
        + ", jitter=" + jitter + "]";
  }

  /** Builder for {@link RateLimitRetry}. */
  public static final class Builder {
    private int maxRetries = 5;
    private Duration minBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private double jitter = 0.5;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private Scheduler scheduler = Schedulers.parallel();

    private Builder() {}

    /** How many times one call is retried (at least 0; default 5). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The first backoff, doubled on each retry (positive; default 1 s). */
    public Builder minBackoff(Duration minBackoff) {
      this.minBackoff = positive(minBackoff, "minBackoff");
      return this;
    }

    /** The longest backoff (positive; default 30 s); a longer Retry-After still wins. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /** The longest Retry-After that is waited for; longer ones fail at once (default 60 s). */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
      return this;
    }

    /** The spread of retry times: each wait is stretched by up to this fraction (0..1; default 0.5). */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The source of uniform values in [0, 1) for the jitter (tests make it deterministic). */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random must not be null");
      return this;
    }

    /** The scheduler the waits run on (default {@link Schedulers#parallel()}; virtual time in tests). */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /** A new retry policy with these settings. */
    public RateLimitRetry build() {
      return new RateLimitRetry(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
