package dev.dspy4j.core.ratelimit;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * A snapshot of a {@link RateLimiter}, for metrics and progress displays.
 *
 * @param pace the adaptive multiplier in (0, 1] applied to every budget; 1 means full speed
 * @param concurrencyLimit how many requests may be in flight at the current pace
 * @param inFlight requests holding a permit now
 * @param pending callers waiting for a permit now
 * @param requestsPerSecond the request rate allowed at the current pace, when a rate is configured
 * @param pausedFor how long every caller still has to wait because the server asked for a pause
 *     ({@link Duration#ZERO} when not paused)
 */
public record RateLimiterState(
    double pace,
    int concurrencyLimit,
    int inFlight,
    int pending,
    OptionalDouble requestsPerSecond,
    Duration pausedFor) {}
