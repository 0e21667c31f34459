package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The retry rule of an LM call, as a Reactor {@link Retry}: a retryable {@link LmException}
 * (connection failures, timeouts, 408, 409, 429, 5xx) is retried up to {@code numRetries} times after
 * an exponential backoff with jitter ({@code base * 2^n}, each wait drawn from its upper half, capped
 * at {@code maxBackoff}); a server's {@code Retry-After} is a minimum wait. A {@code Retry-After}
 * beyond {@code maxRetryAfter} fails at once (the error's message gives the wait). Waits are
 * {@link Mono#delay} timers: no thread sleeps. The last failure is what the subscriber sees, with the
 * number of attempts and why retrying stopped in its message ({@link LmException#attempts()}). Each
 * retry is logged once at INFO with the reason and the wait, so a user sees why a call is slow.
 */
public final class LmRetry extends Retry {

  private static final Logger log = LoggerFactory.getLogger(LmRetry.class);

  private final int numRetries;
  private final Duration base;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;

  /** Up to {@code numRetries} retries, backing off from {@code base} up to {@code maxBackoff}. */
  public LmRetry(int numRetries, Duration base, Duration maxBackoff, Duration maxRetryAfter) {
    this.numRetries = numRetries;
    this.base = base;
    this.maxBackoff = maxBackoff;
    this.maxRetryAfter = maxRetryAfter;
  }

  @Override
  public Publisher<?> generateCompanion(Flux<RetrySignal> retrySignals) {
    return retrySignals.concatMap(signal -> {
      Throwable failure = signal.failure();
      long retry = signal.totalRetries();
      if (!(failure instanceof LmException e)) {
        return Mono.error(failure);
      }
      int attempts = (int) Math.min(Integer.MAX_VALUE, retry + 1);
      if (!e.isRetryable()) {
        if (attempts > 1) {
          e.recordAttempts(attempts, "this error is not retried");
        }
        return Mono.error(failure);
      }
      if (retry >= numRetries) {
        e.recordAttempts(attempts, numRetries == 0 ? "not retried, numRetries is 0"
            : "gave up after numRetries=" + numRetries + " retries");
        return Mono.error(failure);
      }
      Duration serverWait = e.retryAfter().orElse(Duration.ZERO);
      if (serverWait.compareTo(maxRetryAfter) > 0) {
        e.recordAttempts(attempts, "not retried, the server's Retry-After is beyond maxRetryAfter");
        return Mono.error(failure);
      }
      Duration wait = max(backoff(retry), serverWait);
      if (log.isInfoEnabled()) {
        log.info("LM call failed, retry {} of {} in {}: {}: {}", retry + 1, numRetries, LmErrors.seconds(wait),
            e.getClass().getSimpleName(), e.getMessage());
      }
      return Mono.delay(wait);
    });
  }

  /** The jittered exponential backoff before retry number {@code retry} (0-based). */
  Duration backoff(long retry) {
    long ceiling = base.toNanos() << Math.min(retry, 30);
    if (ceiling <= 0 || ceiling > maxBackoff.toNanos()) {
      ceiling = maxBackoff.toNanos();
    }
    long half = ceiling / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
