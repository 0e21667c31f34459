package dev.dspy4j.spring.health;

import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.ratelimit.RateLimiterState;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A passive health indicator for the auto-configured LM: it never calls the LM (no tokens spent).
 * Reports the calls that succeeded and failed, the last failure's type and HTTP status (never its
 * message), and the rate limiter's state (pace, in flight, waiting, pause). {@code DOWN} when the
 * last {@value #DOWN_AFTER} or more calls all failed; {@code UP} otherwise.
 */
public final class LmHealthIndicator implements HealthIndicator {

  /** How many consecutive failed calls make the indicator DOWN. */
  public static final int DOWN_AFTER = 5;

  private final RecentLmErrors errors;
  private final @Nullable RateLimiter rateLimiter;

  /** An indicator over these counts and (if any) this limiter. */
  LmHealthIndicator(RecentLmErrors errors, @Nullable RateLimiter rateLimiter) {
    this.errors = Objects.requireNonNull(errors, "errors");
    this.rateLimiter = rateLimiter;
  }

  @Override
  public Health health() {
    Health.Builder b = errors.consecutiveFailures() >= DOWN_AFTER ? Health.down() : Health.up();
    b.withDetail("successfulCalls", errors.successes())
        .withDetail("failedCalls", errors.failures())
        .withDetail("consecutiveFailures", errors.consecutiveFailures());
    errors
        .lastError()
        .ifPresent(
            e ->
                b.withDetail(
                    "lastError",
                    e.type()
                        + (e.statusCode() > 0 ? " (status " + e.statusCode() + ")" : "")
                        + " at "
                        + e.at()));
    if (rateLimiter != null) {
      RateLimiterState s = rateLimiter.state();
      b.withDetail("rateLimiter.pace", s.pace())
          .withDetail("rateLimiter.concurrencyLimit", s.concurrencyLimit())
          .withDetail("rateLimiter.inFlight", s.inFlight())
          .withDetail("rateLimiter.pending", s.pending())
          .withDetail("rateLimiter.pausedFor", s.pausedFor().toString());
    }
    return b.build();
  }
}
