package dev.dspy4j.core.ratelimit;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to make one request, granted by {@link RateLimiter#acquire()}. Hand it back exactly
 * once by reporting how the request ended: {@link #success(LmResponse)}, {@link #success(Usage)},
 * {@link #failure(Throwable)} or, when the outcome says nothing about the server's limits
 * (cancelled, served from a cache), {@link #release()}. Only the first of these calls counts; later
 * ones do nothing, so a cancel racing a completion cannot free the slot twice.
 */
public final class Permit {

  private final RateLimiter limiter;
  private final long sequence;
  private final long reservedTokens;
  private final AtomicBoolean released = new AtomicBoolean();

  Permit(RateLimiter limiter, long sequence, long reservedTokens) {
    this.limiter = limiter;
    this.sequence = sequence;
    this.reservedTokens = reservedTokens;
  }

  /**
   * The request succeeded: its usage is charged to the tokens-per-minute budget, its rate-limit
   * headers ({@code Helicone-RateLimit-*}, {@code x-ratelimit-*}) adjust the pace, and the slot is
   * freed.
   */
  public void success(LmResponse response) {
    Objects.requireNonNull(response, "response must not be null");
    if (released.compareAndSet(false, true)) {
      Usage usage = response.cacheHit() ? Usage.ZERO : response.usage();
      limiter.completed(this, usage, response.headers(), !response.cacheHit());
    }
  }

  /**
   * The request succeeded and used {@code usage} tokens (a stream's final usage chunk); frees the
   * slot.
   */
  public void success(Usage usage) {
    Objects.requireNonNull(usage, "usage must not be null");
    if (released.compareAndSet(false, true)) {
      limiter.completed(this, usage, Headers.empty(), true);
    }
  }

  /**
   * The request failed: a {@link dev.dspy4j.core.lm.RateLimitException} slows every caller down and
   * pauses them for its {@code retryAfter()}; any other error just frees the slot.
   */
  public void failure(Throwable error) {
    Objects.requireNonNull(error, "error must not be null");
    if (released.compareAndSet(false, true)) {
      limiter.failed(this, error);
    }
  }

  /** Frees the slot without telling the limiter anything about the server (cancel, cache hit). */
  public void release() {
    if (released.compareAndSet(false, true)) {
      limiter.released(this);
    }
  }

  /** True once the permit has been handed back. */
  public boolean isReleased() {
    return released.get();
  }

  long sequence() {
    return sequence;
  }

  long reservedTokens() {
    return reservedTokens;
  }

  @Override
  public String toString() {
    return "Permit[" + sequence + (released.get() ? ", released]" : "]");
  }
}
