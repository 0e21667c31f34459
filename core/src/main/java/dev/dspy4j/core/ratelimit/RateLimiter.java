package dev.dspy4j.core.ratelimit;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.ratelimit.internal.RateLimitHeaders;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A client-side, adaptive rate limiter for LM calls, shared by every call of one LM (or, explicitly,
 * by several LMs that draw on the same quota).
 *
 * <p>Budgets: at most {@code maxConcurrent} requests in flight, optionally at most
 * {@code requestsPerSecond} request starts and {@code tokensPerMinute} tokens. Callers wait in FIFO
 * order without blocking a thread; the only queue is the callers that are currently subscribed.
 *
 * <p>Adaptive (AIMD): every budget is multiplied by a {@linkplain RateLimiterState#pace() pace} in
 * (0, 1]. A 429 ({@link RateLimitException}) or response headers saying the server's budget is nearly
 * used up ({@code Helicone-RateLimit-Remaining}, {@code x-ratelimit-remaining-requests/-tokens})
 * multiply the pace by {@code decreaseFactor} for everyone, at most once per round of requests; each
 * success adds {@code recoveryStep} back. A {@code Retry-After} or {@code Helicone-RateLimit-Reset}
 * pauses every caller until then (capped by {@code maxPause}). Retries are not made here: an
 * {@link LmChain} retries with its {@link RetryPolicy}, each attempt under a new permit.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder().maxConcurrent(32).requestsPerSecond(20).build();
 * LanguageModel limited = LmChain.builder(transport).rateLimiter(limiter).build();  // every attempt
 * Mono<LmResponse> r = limiter.run(Mono.defer(() -> call())).retryWhen(RetryPolicy.defaults());
 * }</pre>
 *
 * <p>All timing uses the configured Reactor {@link Scheduler} (default {@link Schedulers#parallel()}),
 * so tests can drive it with virtual time. Thread-safe.
 */
public final class RateLimiter {

  private final int maxConcurrent;
  private final double requestsPerSecond;
  private final long tokensPerMinute;
  private final boolean adaptive;
  private final double decreaseFactor;
  private final double recoveryStep;
  private final double minPace;
  private final Duration maxPause;
  private final Scheduler scheduler;

  private final Object lock = new Object();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicReference<@Nullable Disposable> timer = new AtomicReference<>();

  // Guarded by lock.
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private double pace = 1.0;
  private int inFlight;
  private double nextStartAt = Double.NEGATIVE_INFINITY;
  private double tokenBalance;
  private long tokensUpdatedAt;
  private long pausedUntil; // epoch millis of the scheduler clock; 0 = never paused
  private long grants;
  private long lastDecreaseAtGrant = -1;
  private long timerAt = Long.MAX_VALUE;

  private RateLimiter(Builder b) {
    this.maxConcurrent = b.maxConcurrent;
    this.requestsPerSecond = b.requestsPerSecond;
    this.tokensPerMinute = b.tokensPerMinute;
    this.adaptive = b.adaptive;
    this.decreaseFactor = b.decreaseFactor;
    this.recoveryStep = b.recoveryStep;
    this.minPace = b.minPace;
    this.maxPause = b.maxPause;
    this.scheduler = b.scheduler;
    this.tokenBalance = tokensPerMinute;
    this.tokensUpdatedAt = now();
  }

  /** A builder; without settings the limiter allows 16 concurrent requests and no rate budgets. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits for a permit. Emits one {@link Permit} once every budget allows another request, in the
   * order callers subscribed; never errors. Cancelling while waiting leaves the queue at once (and
   * hands back a permit granted at the same instant). The caller must report the outcome on the permit.
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
      throw new IllegalArgumentException("estimatedTokens must not be negative, was " + estimatedTokens);
    }
    return Mono.create(sink -> {
      var waiter = new Waiter(sink, estimatedTokens);
      sink.onCancel(() -> cancel(waiter));
      synchronized (lock) {
        waiters.addLast(waiter);
      }
      drain();
    });
  }

  /**
   * Runs {@code call} under a permit: subscribes to it once a permit is granted and emits what it
   * emits. The permit is handed back when the call succeeds (an {@link LmResponse} value feeds its
   * usage and rate-limit headers back), errors (a {@link RateLimitException} slows everyone down) or
   * is cancelled. Each subscription acquires anew, so {@code retryWhen} after this re-queues.
   */
  public <T> Mono<T> run(Mono<T> call) {
    Objects.requireNonNull(call, "call must not be null");
    return Mono.usingWhen(
        acquire(),
        permit -> call.doOnNext(value -> {
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
          return call
              .doOnNext(value -> {
                if (value instanceof LmChunk chunk) {
                  chunk.usage().ifPresent(usage::set);
                  if (chunk.cacheHit()) {
                    cacheReplay.set(true);
                  }
                }
              })
              .doOnComplete(() -> {
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
    synchronized (lock) {
      rateLimited(grants, error);
    }
    drain();
  }

  /**
   * Feeds response headers seen outside a permit into the pace ({@code Helicone-RateLimit-*},
   * {@code x-ratelimit-*}, names ignoring case).
   */
  public void onResponseHeaders(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers must not be null");
    synchronized (lock) {
      budgetHeaders(grants, headers);
    }
    drain();
  }

  /** The current pace, limits and queue, for metrics. */
  public RateLimiterState state() {
    synchronized (lock) {
      long now = now();
      return new RateLimiterState(
          pace,
          concurrencyLimit(),
          inFlight,
          waiters.size(),
          requestsPerSecond > 0 ? OptionalDouble.of(requestsPerSecond * pace) : OptionalDouble.empty(),
          Duration.ofMillis(Math.max(0, pausedUntil - now)));
    }
  }

  /** The configured maximum of concurrent requests (at full pace). */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  @Override
  public String toString() {
    var s = state();
    return "RateLimiter[maxConcurrent=" + maxConcurrent
        + (requestsPerSecond > 0 ? ", requestsPerSecond=" + requestsPerSecond : "")
        + (tokensPerMinute > 0 ? ", tokensPerMinute=" + tokensPerMinute : "")
        + ", pace=" + s.pace() + ", inFlight=" + s.inFlight() + ", pending=" + s.pending() + "]";
  }

  // ---- permit callbacks ----

  void completed(Permit permit, Usage usage, Map<String, String> headers, boolean fromServer) {
    synchronized (lock) {
      inFlight--;
      settleTokens(permit, usage);
      // Only requests sent at the current pace say it is sustainable; older ones were already in
      // flight when the server pushed back.
      if (fromServer && adaptive && !budgetHeaders(permit.sequence(), headers)
          && permit.sequence() > lastDecreaseAtGrant) {
        pace = Math.min(1.0, pace + recoveryStep);
      }
    }
    drain();
  }

  void failed(Permit permit, Throwable error) {
    synchronized (lock) {
      inFlight--;
      // A refused request used no tokens: its reservation is refunded.
      settleTokens(permit, Usage.ZERO);
      if (error instanceof RateLimitException rle) {
        rateLimited(permit.sequence(), rle);
      }
    }
    drain();
  }

  void released(Permit permit) {
    synchronized (lock) {
      inFlight--;
      // A cancelled request may still have been billed: its reservation stays charged.
      settleTokens(permit, new Usage(0, 0, (int) Math.min(Integer.MAX_VALUE, permit.reservedTokens())));
    }
    drain();
  }

  // ---- adaptation (callers hold lock) ----

  private void rateLimited(long grantSequence, RateLimitException error) {
    if (!adaptive) {
      return;
    }
    decrease(grantSequence);
    error.retryAfter().ifPresent(this::pause);
  }

  /** Returns true when the headers signalled a (nearly) exhausted budget. */
  private boolean budgetHeaders(long grantSequence, Map<String, String> headers) {
    if (!adaptive || headers.isEmpty()) {
      return false;
    }
    var budget = RateLimitHeaders.parse(headers, now());
    if (budget.isEmpty() || !budget.low(concurrencyLimit())) {
      return false;
    }
    decrease(grantSequence);
    if (budget.exhausted()) {
      budget.reset().ifPresent(this::pause);
    }
    return true;
  }

  private void decrease(long grantSequence) {
    // Requests granted before the last decrease were sent at the old pace: their 429s are the same
    // congestion, already answered, so one round of failures halves the pace once, not 64 times.
    if (grantSequence > lastDecreaseAtGrant) {
      pace = Math.max(minPace, pace * decreaseFactor);
      lastDecreaseAtGrant = grants;
    }
  }

  private void pause(Duration wait) {
    long capped = Math.min(wait.toMillis(), maxPause.toMillis());
    pausedUntil = Math.max(pausedUntil, now() + capped);
  }

  private void settleTokens(Permit permit, Usage usage) {
    if (tokensPerMinute > 0) {
      refillTokens(now());
      tokenBalance -= usage.totalTokens() - permit.reservedTokens();
      tokenBalance = Math.min(tokenBalance, tokensPerMinute);
    }
  }

  private void refillTokens(long now) {
    long elapsed = now - tokensUpdatedAt;
    if (elapsed > 0) {
      tokenBalance = Math.min(tokensPerMinute, tokenBalance + elapsed * tokensPerMinute * pace / 60_000.0);
      tokensUpdatedAt = now;
    }
  }

  private int concurrencyLimit() {
    return Math.max(1, (int) Math.floor(maxConcurrent * pace + 1e-9));
  }

  // ---- granting ----

  private void cancel(Waiter waiter) {
    Permit granted = null;
    synchronized (lock) {
      if (waiter.state == Waiter.WAITING) {
        waiter.state = Waiter.CANCELLED;
        waiters.remove(waiter);
      } else if (waiter.state == Waiter.GRANTED) {
        granted = waiter.permit;
      }
    }
    if (granted != null) {
      // Granted at the moment the caller went away: nobody will use it.
      granted.release();
    } else {
      drain();
    }
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      List<Waiter> granted = grantWhatBudgetsAllow();
      for (Waiter w : granted) {
        w.sink.success(w.permit);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private List<Waiter> grantWhatBudgetsAllow() {
    List<Waiter> granted = List.of();
    long wakeAt = Long.MAX_VALUE;
    synchronized (lock) {
      long now = now();
      while (!waiters.isEmpty() && inFlight < concurrencyLimit()) {
        Waiter next = waiters.peekFirst();
        long wait = waitBeforeNextStart(now, next.estimatedTokens);
        if (wait > 0) {
          wakeAt = now + wait;
          break;
        }
        waiters.pollFirst();
        grants++;
        inFlight++;
        if (requestsPerSecond > 0) {
          double interval = 1000.0 / (requestsPerSecond * pace);
          nextStartAt = Math.max(now, nextStartAt) + interval;
        }
        long reserved = 0;
        if (tokensPerMinute > 0) {
          reserved = Math.min(next.estimatedTokens, tokensPerMinute);
          tokenBalance -= reserved;
        }
        next.permit = new Permit(this, grants, reserved);
        next.state = Waiter.GRANTED;
        if (granted.isEmpty()) {
          granted = new ArrayList<>();
        }
        granted.add(next);
      }
      if (wakeAt != Long.MAX_VALUE && wakeAt < timerAt) {
        timerAt = wakeAt;
        long delay = wakeAt - now;
        Disposable previous = timer.getAndSet(scheduler.schedule(this::onTimer, delay, TimeUnit.MILLISECONDS));
        if (previous != null) {
          previous.dispose();
        }
      }
    }
    return granted;
  }

  private void onTimer() {
    synchronized (lock) {
      timerAt = Long.MAX_VALUE;
    }
    drain();
  }

  /** Milliseconds until the budgets allow the next start; 0 when it may start now. */
  private long waitBeforeNextStart(long now, long estimatedTokens) {
    long wait = Math.max(0, pausedUntil - now);
    if (requestsPerSecond > 0 && nextStartAt > now) {
      wait = Math.max(wait, (long) Math.ceil(nextStartAt - now));
    }
    if (tokensPerMinute > 0) {
      refillTokens(now);
      double needed = Math.max(1, Math.min(estimatedTokens, tokensPerMinute));
      if (tokenBalance < needed) {
        double perMilli = tokensPerMinute * pace / 60_000.0;
        wait = Math.max(wait, (long) Math.ceil((needed - tokenBalance) / perMilli));
      }
    }
    return wait;
  }

  private long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  private static final class Waiter {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CANCELLED = 2;

    final MonoSink<Permit> sink;
    final long estimatedTokens;
    int state = WAITING; // guarded by the limiter's lock
    @Nullable Permit permit;

    Waiter(MonoSink<Permit> sink, long estimatedTokens) {
      this.sink = sink;
      this.estimatedTokens = estimatedTokens;
    }
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
        throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
      }
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /** At most this many request starts per second at full pace (default: no rate budget). */
    public Builder requestsPerSecond(double requestsPerSecond) {
      if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException("requestsPerSecond must be positive and finite, was " + requestsPerSecond);
      }
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    /** At most this many tokens per minute at full pace, charged from each call's usage (default: none). */
    public Builder tokensPerMinute(long tokensPerMinute) {
      if (tokensPerMinute < 1) {
        throw new IllegalArgumentException("tokensPerMinute must be positive, was " + tokensPerMinute);
      }
      this.tokensPerMinute = tokensPerMinute;
      return this;
    }

    /** Whether 429s and budget headers change the pace (default true); false gives fixed budgets. */
    public Builder adaptive(boolean adaptive) {
      this.adaptive = adaptive;
      return this;
    }

    /** The factor the pace is multiplied by on a 429 or a low budget (in (0, 1); default 0.5). */
    public Builder decreaseFactor(double decreaseFactor) {
      if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
        throw new IllegalArgumentException("decreaseFactor must be between 0 and 1 (exclusive), was " + decreaseFactor);
      }
      this.decreaseFactor = decreaseFactor;
      return this;
    }

    /** What each success adds back to the pace (in (0, 1]; default 0.02, i.e. 25 successes from 0.5 to 1). */
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

    /** The scheduler whose clock and timers pace the requests (default {@link Schedulers#parallel()}). */
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
