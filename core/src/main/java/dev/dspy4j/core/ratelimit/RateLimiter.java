package dev.dspy4j.core.ratelimit;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.ratelimit.internal.ConcurrencyGate;
import dev.dspy4j.core.ratelimit.internal.Pacing;
import dev.dspy4j.core.ratelimit.internal.TokenBucket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A client-side, adaptive rate limiter for LM calls, shared by every call of one LM (or,
 * explicitly, by several LMs that draw on the same quota).
 *
 * <p>Budgets: at most {@code maxConcurrent} requests in flight, optionally at most {@code
 * requestsPerSecond} request starts and {@code tokensPerMinute} tokens. Callers wait in FIFO order
 * without blocking a thread; the only queue is the callers that are currently subscribed.
 *
 * <p>Adaptive (AIMD): every budget is multiplied by a {@linkplain RateLimiterState#pace() pace} in
 * (0, 1]. A 429 ({@link RateLimitException}) or response headers saying the server's budget is
 * nearly used up ({@code Helicone-RateLimit-Remaining}, {@code
 * x-ratelimit-remaining-requests/-tokens}) multiply the pace by {@code decreaseFactor} for
 * everyone, at most once per round of requests; each success adds {@code recoveryStep} back. A
 * {@code Retry-After} or {@code Helicone-RateLimit-Reset} pauses every caller until then (capped by
 * {@code maxPause}). Retries are not made here: an {@link LmChain} retries with its {@link
 * RetryPolicy}, each attempt under a new permit.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder().maxConcurrent(32).requestsPerSecond(20).build();
 * LanguageModel limited = LmChain.builder(transport).rateLimiter(limiter).build();  // every attempt
 * Mono<LmResponse> r = limiter.run(Mono.defer(() -> call())).retryWhen(RetryPolicy.defaults());
 * }</pre>
 *
 * <p>All timing uses the configured Reactor {@link Scheduler} (default {@link
 * Schedulers#parallel()}), so tests can drive it with virtual time. Thread-safe.
 */
public final class RateLimiter {

  // The limiter's three concerns, one class each: where callers wait (and how many are in flight),
  // the adaptive pace with its start schedule, and the tokens-per-minute bucket. The gate owns the
  // lock; pacing and tokens are read here only for their fixed configuration.
  private final ConcurrencyGate<Permit> gate;
  private final Pacing pacing;
  private final TokenBucket tokens;

  private RateLimiter(Builder b) {
    this.pacing =
        new Pacing(
            b.requestsPerSecond,
            b.adaptive,
            b.decreaseFactor,
            b.recoveryStep,
            b.minPace,
            b.maxPause);
    this.tokens = new TokenBucket(b.tokensPerMinute, b.scheduler.now(TimeUnit.MILLISECONDS));
    this.gate =
        new ConcurrencyGate<>(
            b.maxConcurrent,
            pacing,
            tokens,
            b.scheduler,
            new ConcurrencyGate.Permits<>() {
              @Override
              public Permit create(long sequence, long reservedTokens) {
                return new Permit(RateLimiter.this, sequence, reservedTokens);
              }

              @Override
              public void discard(Permit permit) {
                permit.release();
              }
            });
  }

  /** A builder; without settings the limiter allows 16 concurrent requests and no rate budgets. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits for a permit. Emits one {@link Permit} once every budget allows another request, in the
   * order callers subscribed; never errors. Cancelling while waiting leaves the queue at once (and
   * hands back a permit granted at the same instant). The caller must report the outcome on the
   * permit.
   */
  public Mono<Permit> acquire() {
    return acquire(0);
  }

  /**
   * Like {@link #acquire()}, reserving {@code estimatedTokens} of the tokens-per-minute budget up
   * front; the difference to the real usage is settled when the permit reports success.
   */
  public Mono<Permit> acquire(long estimatedTokens) {
    if (estimatedTokens < 0) {
      throw new IllegalArgumentException(
          "estimatedTokens must not be negative, was " + estimatedTokens);
    }
    return gate.acquire(estimatedTokens);
  }

  /**
   * Runs {@code call} under a permit: subscribes to it once a permit is granted and emits what it
   * emits. The permit is handed back when the call succeeds (an {@link LmResponse} value feeds its
   * usage and rate-limit headers back), errors (a {@link RateLimitException} slows everyone down)
   * or is cancelled. Each subscription acquires anew, so {@code retryWhen} after this re-queues.
   */
  public <T> Mono<T> run(Mono<T> call) {
    Objects.requireNonNull(call, "call must not be null");
    return Mono.usingWhen(
        acquire(),
        permit ->
            call.doOnNext(
                value -> {
                  if (value instanceof LmResponse response) {
                    permit.success(response);
                  } else {
                    permit.success(Usage.ZERO);
                  }
                }),
        permit -> Mono.fromRunnable(() -> permit.success(Usage.ZERO)),
        (permit, error) -> Mono.fromRunnable(() -> permit.failure(error)),
        permit -> Mono.fromRunnable(permit::release));
  }

  /**
   * Runs a streamed call under one permit, held until the stream completes, errors or is cancelled.
   * The usage of an {@link LmChunk} usage chunk is charged to the tokens-per-minute budget; a cache
   * replay counts as neither success nor failure.
   */
  public <T> Flux<T> runStream(Flux<T> call) {
    Objects.requireNonNull(call, "call must not be null");
    return Flux.usingWhen(
        acquire(),
        permit -> {
          var usage = new AtomicReference<>(Usage.ZERO);
          var cacheReplay = new AtomicBoolean();
          return call.doOnNext(
                  value -> {
                    if (value instanceof LmChunk chunk) {
                      chunk.usage().ifPresent(usage::set);
                      if (chunk.cacheHit()) {
                        cacheReplay.set(true);
                      }
                    }
                  })
              .doOnComplete(
                  () -> {
                    if (cacheReplay.get()) {
                      permit.release(); // the server was not asked: no signal about its limits
                    } else {
                      permit.success(usage.get());
                    }
                  });
        },
        permit -> Mono.fromRunnable(() -> permit.success(Usage.ZERO)),
        (permit, error) -> Mono.fromRunnable(() -> permit.failure(error)),
        permit -> Mono.fromRunnable(permit::release));
  }

  /**
   * Feeds a 429 seen outside a permit (for example by the transport, before its own retry) into the
   * pace: slows everyone down and pauses them for {@code retryAfter} when the server sent one.
   */
  public void onRateLimited(RateLimitException error) {
    Objects.requireNonNull(error, "error must not be null");
    gate.onRateLimited(error);
  }

  /**
   * Feeds response headers seen outside a permit into the pace ({@code Helicone-RateLimit-*},
   * {@code x-ratelimit-*}, names ignoring case).
   */
  public void onResponseHeaders(Headers headers) {
    Objects.requireNonNull(headers, "headers must not be null");
    gate.onResponseHeaders(headers);
  }

  /** The current pace, limits and queue, for metrics. */
  public RateLimiterState state() {
    return gate.state();
  }

  /** The configured maximum of concurrent requests (at full pace). */
  public int maxConcurrent() {
    return gate.maxConcurrent();
  }

  @Override
  public String toString() {
    var s = state();
    return "RateLimiter[maxConcurrent="
        + gate.maxConcurrent()
        + (pacing.configuredRequestsPerSecond() > 0
            ? ", requestsPerSecond=" + pacing.configuredRequestsPerSecond()
            : "")
        + (tokens.perMinute() > 0 ? ", tokensPerMinute=" + tokens.perMinute() : "")
        + ", pace="
        + s.pace()
        + ", inFlight="
        + s.inFlight()
        + ", pending="
        + s.pending()
        + "]";
  }

  // ---- permit callbacks ----

  void completed(Permit permit, Usage usage, Headers headers, boolean fromServer) {
    gate.completed(
        permit.sequence(), permit.reservedTokens(), usage.totalTokens(), headers, fromServer);
  }

  void failed(Permit permit, Throwable error) {
    gate.failed(permit.sequence(), permit.reservedTokens(), error);
  }

  void released(Permit permit) {
    gate.released(permit.sequence(), permit.reservedTokens());
  }

  /** Builder for {@link RateLimiter}; every setting is validated where it is set. */
  public static final class Builder {
    private int maxConcurrent = 16;
    private double requestsPerSecond;
    private long tokensPerMinute;
    private boolean adaptive = true;
    private double decreaseFactor = 0.5;
    private double recoveryStep = 0.02;
    private double minPace = 0.02;
    private Duration maxPause = Duration.ofSeconds(60);
    private Scheduler scheduler = Schedulers.parallel();

    private Builder() {}

    /** At most this many requests in flight at full pace (at least 1; default 16). */
    public Builder maxConcurrent(int maxConcurrent) {
      if (maxConcurrent < 1) {
        throw new IllegalArgumentException(
            "maxConcurrent must be at least 1, was " + maxConcurrent);
      }
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /** At most this many request starts per second at full pace (default: no rate budget). */
    public Builder requestsPerSecond(double requestsPerSecond) {
      if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException(
            "requestsPerSecond must be positive and finite, was " + requestsPerSecond);
      }
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    /**
     * At most this many tokens per minute at full pace, charged from each call's usage (default:
     * none).
     */
    public Builder tokensPerMinute(long tokensPerMinute) {
      if (tokensPerMinute < 1) {
        throw new IllegalArgumentException(
            "tokensPerMinute must be positive, was " + tokensPerMinute);
      }
      this.tokensPerMinute = tokensPerMinute;
      return this;
    }

    /**
     * Whether 429s and budget headers change the pace (default true); false gives fixed budgets.
     */
    public Builder adaptive(boolean adaptive) {
      this.adaptive = adaptive;
      return this;
    }

    /** The factor the pace is multiplied by on a 429 or a low budget (in (0, 1); default 0.5). */
    public Builder decreaseFactor(double decreaseFactor) {
      if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
        throw new IllegalArgumentException(
            "decreaseFactor must be between 0 and 1 (exclusive), was " + decreaseFactor);
      }
      this.decreaseFactor = decreaseFactor;
      return this;
    }

    /**
     * What each success adds back to the pace (in (0, 1]; default 0.02, i.e. 25 successes from 0.5
     * to 1).
     */
    public Builder recoveryStep(double recoveryStep) {
      if (!(recoveryStep > 0 && recoveryStep <= 1)) {
        throw new IllegalArgumentException("recoveryStep must be in (0, 1], was " + recoveryStep);
      }
      this.recoveryStep = recoveryStep;
      return this;
    }

    /** The lowest pace (in (0, 1]; default 0.02); at least one request may always be in flight. */
    public Builder minPace(double minPace) {
      if (!(minPace > 0 && minPace <= 1)) {
        throw new IllegalArgumentException("minPace must be in (0, 1], was " + minPace);
      }
      this.minPace = minPace;
      return this;
    }

    /** The longest pause a server's Retry-After or reset header can impose (default 60 s). */
    public Builder maxPause(Duration maxPause) {
      Objects.requireNonNull(maxPause, "maxPause must not be null");
      if (maxPause.isNegative()) {
        throw new IllegalArgumentException("maxPause must not be negative, was " + maxPause);
      }
      this.maxPause = maxPause;
      return this;
    }

    /**
     * The scheduler whose clock and timers pace the requests (default {@link
     * Schedulers#parallel()}).
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /** A new limiter with these settings. */
    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }
}
