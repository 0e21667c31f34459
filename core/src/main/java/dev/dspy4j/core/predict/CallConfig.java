package dev.dspy4j.core.predict;

import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Per-call LM settings of a module, applied over the LM's own defaults: the {@linkplain
 * GenerationOptions generation options} (temperature, max tokens, number of choices, stop
 * sequences) and the cache switch. Empty values leave the LM's setting alone.
 *
 * @param options temperature, max tokens, n and stop sequences for every call of the module
 * @param cache whether the cache may answer the call
 */
public record CallConfig(GenerationOptions options, Optional<Boolean> cache) {

  /** No overrides. */
  public static final CallConfig DEFAULT =
      new CallConfig(GenerationOptions.empty(), Optional.empty());

  public CallConfig {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(cache, "cache");
  }

  /**
   * A config of these values (validated by {@link GenerationOptions}).
   *
   * @param temperature sampling temperature
   * @param n number of choices
   * @param maxTokens completion token limit
   * @param cache whether the cache may answer the call
   */
  public CallConfig(
      OptionalDouble temperature, OptionalInt n, OptionalInt maxTokens, Optional<Boolean> cache) {
    this(new GenerationOptions(temperature, maxTokens, n, List.of()), cache);
  }

  /** Sampling temperature, when set. */
  public OptionalDouble temperature() {
    return options.temperature();
  }

  /** Number of choices, when set. */
  public OptionalInt n() {
    return options.n();
  }

  /** Completion token limit, when set. */
  public OptionalInt maxTokens() {
    return options.maxTokens();
  }

  /** This config with a temperature. */
  public CallConfig withTemperature(double temperature) {
    return new CallConfig(options.withTemperature(temperature), cache);
  }

  /** This config asking for {@code n} choices. */
  public CallConfig withN(int n) {
    return new CallConfig(options.withN(n), cache);
  }

  /** This config with a completion token limit. */
  public CallConfig withMaxTokens(int maxTokens) {
    return new CallConfig(options.withMaxTokens(maxTokens), cache);
  }

  /** This config with these generation options, replacing the ones it had. */
  public CallConfig withOptions(GenerationOptions options) {
    return new CallConfig(options, cache);
  }

  /** This config with the cache switched on or off. */
  public CallConfig withCache(boolean cache) {
    return new CallConfig(options, Optional.of(cache));
  }

  void applyTo(LmRequest.Builder b) {
    b.options(options);
    cache.ifPresent(b::cache);
  }

  int choices() {
    return options.n().orElse(1);
  }
}
