package dev.dspy4j.core.helicone;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The gateway's rate-limit headers on a response: {@code Helicone-RateLimit-Limit}, {@code
 * -Remaining}, {@code -Reset} (seconds until the window resets, rounded up to a whole second) and
 * {@code -Policy} (the policy the gateway applied, as it sent it). Each is empty when the header
 * was absent or not a number. Read by the one rate-limit header parser, which the rate limiter uses
 * too.
 */
public record RateLimitStatus(
    OptionalLong limit,
    OptionalLong remaining,
    OptionalLong resetSeconds,
    Optional<String> policy) {

  /** Rejects null components; use empty optionals for absent values. */
  public RateLimitStatus {
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(remaining, "remaining");
    Objects.requireNonNull(resetSeconds, "resetSeconds");
    Objects.requireNonNull(policy, "policy");
  }

  /** The applied policy parsed, when it was sent and follows the documented grammar. */
  public Optional<RateLimitPolicy> parsedPolicy() {
    return policy.flatMap(
        p -> {
          try {
            return Optional.of(RateLimitPolicy.parse(p));
          } catch (IllegalArgumentException e) {
            return Optional.empty();
          }
        });
  }
}
