package dev.dspy4j.core.ratelimit.internal;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.ratelimit.RateLimiterState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Where the callers of a {@link dev.dspy4j.core.ratelimit.RateLimiter} wait: a FIFO queue of
 * subscribed callers and the count of requests in flight. The head of the queue is let through when
 * fewer than {@code maxConcurrent × pace} (at least 1) requests are in flight and both the {@link
 * Pacing} (pause, start schedule) and the {@link TokenBucket} allow a start; otherwise a timer on
 * the scheduler wakes the queue when they will. Nothing blocks a thread.
 *
 * <p>Thread-safe: one lock guards the queue, the counts, the pacing and the token bucket; permits
 * are handed to callers outside it. The permit object itself is the caller's (the public {@code
 * Permit}), made and discarded through {@link Permits}.
 *
 * @param <P> the permit type handed to callers
 */
public final class ConcurrencyGate<P> {

  /**
   * Makes the permit a caller receives, and frees one granted to a caller who left at that moment.
   */
  public interface Permits<P> {

    /** The permit for the request of this grant sequence, holding this many reserved tokens. */
    P create(long sequence, long reservedTokens);

    /** Hands back a permit nobody will use (its caller cancelled as it was granted). */
    void discard(P permit);
  }

  private final int maxConcurrent;
  private final Pacing pacing;
  private final TokenBucket tokens;
  private final Scheduler scheduler;
  private final Permits<P> permits;

  private final Object lock = new Object();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicReference<@Nullable Disposable> timer = new AtomicReference<>();

  // Guarded by lock (as are pacing and tokens).
  private final ArrayDeque<Waiter<P>> waiters = new ArrayDeque<>();
  private int inFlight;
  private long grants;
  private long timerAt = Long.MAX_VALUE;

  /**
   * An open gate with nobody waiting.
   *
   * @param maxConcurrent requests in flight at full pace (at least 1)
   * @param pacing the pace and start schedule; from now on used only under this gate's lock
   * @param tokens the tokens-per-minute budget; from now on used only under this gate's lock
   * @param scheduler whose clock and timers pace the starts
   * @param permits makes and discards the permits handed to callers
   */
  public ConcurrencyGate(
      int maxConcurrent,
      Pacing pacing,
      TokenBucket tokens,
      Scheduler scheduler,
      Permits<P> permits) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
    }
    this.maxConcurrent = maxConcurrent;
    this.pacing = pacing;
    this.tokens = tokens;
    this.scheduler = scheduler;
    this.permits = permits;
  }

  /** The configured maximum of concurrent requests (at full pace). */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /**
   * Emits one permit once the budgets allow another request, in the order callers subscribed; never
   * errors. Cancelling while waiting leaves the queue at once (and discards a permit granted at the
   * same instant).
   */
  public Mono<P> acquire(long estimatedTokens) {
    return Mono.create(
        sink -> {
          var waiter = new Waiter<P>(sink, estimatedTokens);
          sink.onCancel(() -> cancel(waiter));
          synchronized (lock) {
            waiters.addLast(waiter);
          }
          drain();
        });
  }

  /**
   * The request of {@code sequence} succeeded, using {@code usedTokens}; when the server answered
   * it ({@code fromServer}), its budget headers or its success adjust the pace.
   */
  public void completed(
      long sequence, long reservedTokens, long usedTokens, Headers headers, boolean fromServer) {
    synchronized (lock) {
      inFlight--;
      tokens.settle(now(), pacing.pace(), reservedTokens, usedTokens);
      if (fromServer) {
        pacing.succeeded(sequence, grants, headers, now(), concurrencyLimit());
      }
    }
    drain();
  }

  /**
   * The request of {@code sequence} failed: its reservation is refunded, and a 429 slows everyone
   * down.
   */
  public void failed(long sequence, long reservedTokens, Throwable error) {
    synchronized (lock) {
      inFlight--;
      // A refused request used no tokens: its reservation is refunded.
      tokens.settle(now(), pacing.pace(), reservedTokens, 0);
      if (error instanceof RateLimitException rle) {
        pacing.rateLimited(sequence, grants, rle, now());
      }
    }
    drain();
  }

  /**
   * The request of {@code sequence} ended without telling anything about the server (cancel, cache
   * hit).
   */
  public void released(long sequence, long reservedTokens) {
    synchronized (lock) {
      inFlight--;
      // A cancelled request may still have been billed: its reservation stays charged.
      tokens.settle(now(), pacing.pace(), reservedTokens, reservedTokens);
    }
    drain();
  }

  /** A 429 seen outside a permit: counts as one for the latest grant. */
  public void onRateLimited(RateLimitException error) {
    synchronized (lock) {
      pacing.rateLimited(grants, grants, error, now());
    }
    drain();
  }

  /** Budget headers seen outside a permit: read as if they answered the latest grant. */
  public void onResponseHeaders(Headers headers) {
    synchronized (lock) {
      pacing.budgetHeaders(grants, grants, headers, now(), concurrencyLimit());
    }
    drain();
  }

  /** The current pace, limits and queue. */
  public RateLimiterState state() {
    synchronized (lock) {
      return new RateLimiterState(
          pacing.pace(),
          concurrencyLimit(),
          inFlight,
          waiters.size(),
          pacing.requestsPerSecond(),
          Duration.ofMillis(pacing.pausedFor(now())));
    }
  }

  private int concurrencyLimit() {
    return Math.max(1, (int) Math.floor(maxConcurrent * pacing.pace() + 1e-9));
  }

  private void cancel(Waiter<P> waiter) {
    P granted = null;
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
      permits.discard(granted);
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
      List<Waiter<P>> granted = grantWhatBudgetsAllow();
      for (Waiter<P> w : granted) {
        w.sink.success(w.permit);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private List<Waiter<P>> grantWhatBudgetsAllow() {
    List<Waiter<P>> granted = List.of();
    long wakeAt = Long.MAX_VALUE;
    synchronized (lock) {
      long now = now();
      while (!waiters.isEmpty() && inFlight < concurrencyLimit()) {
        Waiter<P> next = waiters.peekFirst();
        long wait =
            Math.max(
                pacing.millisUntilNextStart(now),
                tokens.millisUntilAvailable(now, next.estimatedTokens, pacing.pace()));
        if (wait > 0) {
          wakeAt = now + wait;
          break;
        }
        waiters.pollFirst();
        grants++;
        inFlight++;
        pacing.started(now);
        long reserved = tokens.reserve(next.estimatedTokens);
        next.permit = permits.create(grants, reserved);
        next.state = Waiter.GRANTED;
        if (granted.isEmpty()) {
          granted = new ArrayList<>();
        }
        granted.add(next);
      }
      if (wakeAt != Long.MAX_VALUE && wakeAt < timerAt) {
        timerAt = wakeAt;
        long delay = wakeAt - now;
        Disposable previous =
            timer.getAndSet(scheduler.schedule(this::onTimer, delay, TimeUnit.MILLISECONDS));
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

  private long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  private static final class Waiter<P> {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CANCELLED = 2;

    final MonoSink<P> sink;
    final long estimatedTokens;
    int state = WAITING; // guarded by the gate's lock
    @Nullable P permit;

    Waiter(MonoSink<P> sink, long estimatedTokens) {
      this.sink = sink;
      this.estimatedTokens = estimatedTokens;
    }
  }
}
