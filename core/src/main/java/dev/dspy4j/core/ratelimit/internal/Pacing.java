package dev.dspy4j.core.ratelimit.internal;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.RateLimitException;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The adaptive pace of a {@link dev.dspy4j.core.ratelimit.RateLimiter} and the start schedule it
 * drives. The pace, in (0, 1], scales every budget (AIMD): a 429 or response headers saying the
 * server's remaining budget is low ({@link RateLimitHeaders}) multiply it by {@code
 * decreaseFactor}, at most once per round of requests; each success from a request sent at the
 * current pace adds {@code recoveryStep} back. A {@code Retry-After} or an exhausted budget's reset
 * pauses every start until then (capped by {@code maxPause}); with a requests-per-second budget,
 * starts are spaced {@code 1 / (requestsPerSecond × pace)} apart.
 *
 * <p>Requests are identified by their grant sequence (1, 2, ... in the order they were let
 * through): a request granted before the last decrease was sent at the old pace, so its 429 is the
 * same congestion, already answered.
 *
 * <p>Not thread-safe: the {@link ConcurrencyGate} owning it calls it under its lock. Times are
 * milliseconds of the limiter's scheduler clock.
 */
public final class Pacing {

  private final double requestsPerSecond;
  private final boolean adaptive;
  private final double decreaseFactor;
  private final double recoveryStep;
  private final double minPace;
  private final Duration maxPause;

  private double pace = 1.0;
  private double nextStartAt = Double.NEGATIVE_INFINITY;
  private long pausedUntil; // 0 = never paused
  private long lastDecreaseAtGrant = -1;

  /**
   * Full pace, not paused (the values are validated by the limiter's builder).
   *
   * @param requestsPerSecond request starts per second at full pace; 0 for no rate budget
   * @param adaptive whether 429s and budget headers change the pace and pause
   * @param decreaseFactor what the pace is multiplied by on a 429 or a low budget
   * @param recoveryStep what each success adds back to the pace
   * @param minPace the lowest pace
   * @param maxPause the longest pause a server can impose
   */
  public Pacing(
      double requestsPerSecond,
      boolean adaptive,
      double decreaseFactor,
      double recoveryStep,
      double minPace,
      Duration maxPause) {
    this.requestsPerSecond = requestsPerSecond;
    this.adaptive = adaptive;
    this.decreaseFactor = decreaseFactor;
    this.recoveryStep = recoveryStep;
    this.minPace = minPace;
    this.maxPause = maxPause;
  }

  /** The current pace in (0, 1]. */
  public double pace() {
    return pace;
  }

  /** The configured request starts per second at full pace; 0 when there is no rate budget. */
  public double configuredRequestsPerSecond() {
    return requestsPerSecond;
  }

  /** The request starts per second allowed at the current pace, when a rate is configured. */
  public OptionalDouble requestsPerSecond() {
    return requestsPerSecond > 0
        ? OptionalDouble.of(requestsPerSecond * pace)
        : OptionalDouble.empty();
  }

  /** Milliseconds the server's pause still lasts; 0 when not paused. */
  public long pausedFor(long now) {
    return Math.max(0, pausedUntil - now);
  }

  /**
   * Milliseconds until the pause and the start schedule allow the next start; 0 when it may start
   * now.
   */
  public long millisUntilNextStart(long now) {
    long wait = pausedFor(now);
    if (requestsPerSecond > 0 && nextStartAt > now) {
      wait = Math.max(wait, (long) Math.ceil(nextStartAt - now));
    }
    return wait;
  }

  /** A request starts now: the next may start one interval (at the current pace) later. */
  public void started(long now) {
    if (requestsPerSecond > 0) {
      double interval = 1000.0 / (requestsPerSecond * pace);
      nextStartAt = Math.max(now, nextStartAt) + interval;
    }
  }

  /**
   * A request answered by the server succeeded: its budget headers may slow everyone down, else, if
   * it was sent at the current pace, the pace recovers a step.
   *
   * @param grantSequence the request's grant sequence
   * @param grants how many requests have been granted so far
   * @param concurrencyLimit how many requests may be in flight at the current pace
   */
  public void succeeded(
      long grantSequence, long grants, Headers headers, long now, int concurrencyLimit) {
    if (!adaptive) {
      return;
    }
    // Only requests sent at the current pace say it is sustainable; older ones were already in
    // flight when the server pushed back.
    if (!budgetHeaders(grantSequence, grants, headers, now, concurrencyLimit)
        && grantSequence > lastDecreaseAtGrant) {
      pace = Math.min(1.0, pace + recoveryStep);
    }
  }

  /**
   * A 429 for the request of {@code grantSequence}: slows everyone down and pauses for its {@code
   * retryAfter}.
   */
  public void rateLimited(long grantSequence, long grants, RateLimitException error, long now) {
    if (!adaptive) {
      return;
    }
    decrease(grantSequence, grants);
    error.retryAfter().ifPresent(wait -> pause(wait, now));
  }

  /**
   * Reads the server's remaining budget from response headers; when it is low, slows everyone down
   * (and, when it is used up, pauses until its reset).
   *
   * @return true when the headers signalled a (nearly) exhausted budget
   */
  public boolean budgetHeaders(
      long grantSequence, long grants, Headers headers, long now, int concurrencyLimit) {
    if (!adaptive || headers.isEmpty()) {
      return false;
    }
    var budget = RateLimitHeaders.parse(headers);
    if (budget.isEmpty() || !budget.low(concurrencyLimit)) {
      return false;
    }
    decrease(grantSequence, grants);
    if (budget.exhausted()) {
      budget.reset().ifPresent(wait -> pause(wait, now));
    }
    return true;
  }

  private void decrease(long grantSequence, long grants) {
    // Requests granted before the last decrease were sent at the old pace: their 429s are the same
    // congestion, already answered, so one round of failures halves the pace once, not 64 times.
    if (grantSequence > lastDecreaseAtGrant) {
      pace = Math.max(minPace, pace * decreaseFactor);
      lastDecreaseAtGrant = grants;
    }
  }

  private void pause(Duration wait, long now) {
    long capped = Math.min(wait.toMillis(), maxPause.toMillis());
    pausedUntil = Math.max(pausedUntil, now + capped);
  }
}
