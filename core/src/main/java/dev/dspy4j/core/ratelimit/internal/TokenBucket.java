package dev.dspy4j.core.ratelimit.internal;

/**
 * The tokens-per-minute budget of a {@link dev.dspy4j.core.ratelimit.RateLimiter}: a bucket holding
 * at most {@code perMinute} tokens, refilled continuously at {@code perMinute × pace} per minute. A
 * request reserves its estimate when it is let through and settles the difference to its real usage
 * when it ends. A bucket of 0 tokens per minute is switched off: it never makes anyone wait.
 *
 * <p>Not thread-safe: the {@link ConcurrencyGate} owning it calls it under its lock. Times are
 * milliseconds of the limiter's scheduler clock.
 */
public final class TokenBucket {

  private final long perMinute;
  private double balance;
  private long updatedAt;

  /**
   * A full bucket.
   *
   * @param perMinute tokens per minute at full pace; 0 switches the budget off
   * @param now the scheduler clock now
   */
  public TokenBucket(long perMinute, long now) {
    if (perMinute < 0) {
      throw new IllegalArgumentException("perMinute must not be negative, was " + perMinute);
    }
    this.perMinute = perMinute;
    this.balance = perMinute;
    this.updatedAt = now;
  }

  /** Tokens per minute at full pace; 0 when the budget is off. */
  public long perMinute() {
    return perMinute;
  }

  /**
   * Milliseconds until the bucket holds {@code estimatedTokens} (at least 1, at most a minute's
   * worth) at this pace; 0 when it does now or the budget is off.
   */
  public long millisUntilAvailable(long now, long estimatedTokens, double pace) {
    if (perMinute == 0) {
      return 0;
    }
    refill(now, pace);
    double needed = Math.max(1, Math.min(estimatedTokens, perMinute));
    if (balance >= needed) {
      return 0;
    }
    double perMilli = perMinute * pace / 60_000.0;
    return (long) Math.ceil((needed - balance) / perMilli);
  }

  /**
   * Takes a request's estimate (capped at a minute's worth) out of the bucket; returns what was
   * reserved.
   */
  public long reserve(long estimatedTokens) {
    if (perMinute == 0) {
      return 0;
    }
    long reserved = Math.min(estimatedTokens, perMinute);
    balance -= reserved;
    return reserved;
  }

  /** Charges what a finished request used beyond its reservation (or refunds what it used less). */
  public void settle(long now, double pace, long reservedTokens, long usedTokens) {
    if (perMinute == 0) {
      return;
    }
    refill(now, pace);
    balance -= usedTokens - reservedTokens;
    balance = Math.min(balance, perMinute);
  }

  private void refill(long now, double pace) {
    long elapsed = now - updatedAt;
    if (elapsed > 0) {
      balance = Math.min(perMinute, balance + elapsed * perMinute * pace / 60_000.0);
      updatedAt = now;
    }
  }
}
