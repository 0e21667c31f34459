package dev.dspy4j.core.predict;

import dev.dspy4j.core.lm.LmRequest;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Per-call LM settings of a module, applied over the LM's own defaults: temperature, number of
 * choices, max tokens and the cache switch. Empty values leave the LM's setting alone.
 *
 * @param temperature sampling temperature
 * @param n number of choices
 * @param maxTokens completion token limit
 * @param cache whether the cache may answer the call
 */
public record CallConfig(OptionalDouble temperature, OptionalInt n, OptionalInt maxTokens, Optional<Boolean> cache) {

  /** No overrides. */
  public static final CallConfig DEFAULT =
      new CallConfig(OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());

  public CallConfig {
    java.util.Objects.requireNonNull(temperature, "temperature");
    java.util.Objects.requireNonNull(n, "n");
    java.util.Objects.requireNonNull(maxTokens, "maxTokens");
    java.util.Objects.requireNonNull(cache, "cache");
    if (temperature.isPresent() && !(temperature.getAsDouble() >= 0 && temperature.getAsDouble() <= 2)) {
      throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature.getAsDouble());
    }
    if (n.isPresent() && n.getAsInt() < 1) throw new IllegalArgumentException("n must be at least 1, was " + n.getAsInt());
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens.getAsInt());
    }
  }

  /** This config with a temperature. */
  public CallConfig withTemperature(double temperature) {
    return new CallConfig(OptionalDouble.of(temperature), n, maxTokens, cache);
  }

  /** This config asking for {@code n} choices. */
  public CallConfig withN(int n) {
    return new CallConfig(temperature, OptionalInt.of(n), maxTokens, cache);
  }

  /** This config with a completion token limit. */
  public CallConfig withMaxTokens(int maxTokens) {
    return new CallConfig(temperature, n, OptionalInt.of(maxTokens), cache);
  }

  /** This config with the cache switched on or off. */
  public CallConfig withCache(boolean cache) {
    return new CallConfig(temperature, n, maxTokens, Optional.of(cache));
  }

  void applyTo(LmRequest.Builder b) {
    temperature.ifPresent(b::temperature);
    n.ifPresent(b::n);
    maxTokens.ifPresent(b::maxTokens);
    cache.ifPresent(b::cache);
  }

  int choices() {
    return n.orElse(1);
  }
}
