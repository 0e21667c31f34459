package dev.dspy4j.core.lm;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How a chat completion is generated: sampling temperature, completion token limit, number of
 * choices and stop sequences. An empty value means "not set here": an LM's defaults, a module's
 * per-call config and a request each hold one, and {@link #overrideWith} layers them as DSPy merges
 * {@code {**lm.kwargs, **call_kwargs}}. This record is the one place these values are validated.
 *
 * <p>The OpenAI {@code response_format} is deliberately not one of them: the adapter chooses it per
 * signature (it belongs to how the output is parsed, like {@code tools}), an LM has no default for
 * it, and it stays on {@link LmRequest}.
 *
 * <pre>{@code
 * GenerationOptions defaults = GenerationOptions.empty().withTemperature(0.2).withMaxTokens(500);
 * GenerationOptions call = GenerationOptions.empty().withTemperature(0.9);
 * defaults.overrideWith(call);   // temperature 0.9, maxTokens 500
 * }</pre>
 *
 * @param temperature sampling temperature, 0 to 2
 * @param maxTokens completion token limit, at least 1
 * @param n number of choices, at least 1
 * @param stop stop sequences (no nulls); empty when none
 */
public record GenerationOptions(
    OptionalDouble temperature, OptionalInt maxTokens, OptionalInt n, List<String> stop) {

  private static final GenerationOptions EMPTY =
      new GenerationOptions(
          OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of());

  /**
   * Validates every value.
   *
   * @throws IllegalArgumentException when the temperature is not between 0 and 2, or max tokens or
   *     n is below 1
   * @throws NullPointerException when a component is null or {@code stop} contains null
   */
  public GenerationOptions {
    Objects.requireNonNull(temperature, "temperature must not be null");
    Objects.requireNonNull(maxTokens, "maxTokens must not be null");
    Objects.requireNonNull(n, "n must not be null");
    Objects.requireNonNull(stop, "stop must not be null");
    if (temperature.isPresent()
        && !(temperature.getAsDouble() >= 0.0 && temperature.getAsDouble() <= 2.0)) {
      throw new IllegalArgumentException(
          "temperature must be between 0 and 2, was " + temperature.getAsDouble());
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens.getAsInt());
    }
    if (n.isPresent() && n.getAsInt() < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n.getAsInt());
    }
    stop.forEach(s -> Objects.requireNonNull(s, "stop must not contain null"));
    stop = List.copyOf(stop);
  }

  /** No value set. */
  public static GenerationOptions empty() {
    return EMPTY;
  }

  /** True when no value is set. */
  public boolean isEmpty() {
    return temperature.isEmpty() && maxTokens.isEmpty() && n.isEmpty() && stop.isEmpty();
  }

  /** These options with a sampling temperature (0 to 2). */
  public GenerationOptions withTemperature(double temperature) {
    return new GenerationOptions(OptionalDouble.of(temperature), maxTokens, n, stop);
  }

  /** These options with a completion token limit (at least 1). */
  public GenerationOptions withMaxTokens(int maxTokens) {
    return new GenerationOptions(temperature, OptionalInt.of(maxTokens), n, stop);
  }

  /** These options asking for {@code n} choices (at least 1). */
  public GenerationOptions withN(int n) {
    return new GenerationOptions(temperature, maxTokens, OptionalInt.of(n), stop);
  }

  /**
   * These options with these stop sequences, replacing any set before; an empty list unsets them.
   */
  public GenerationOptions withStop(List<String> stop) {
    return new GenerationOptions(temperature, maxTokens, n, stop);
  }

  /**
   * These options with {@code other}'s set values winning: each of temperature, max tokens and n is
   * {@code other}'s when set there, else this one's; stop sequences are {@code other}'s when it has
   * any, else these (a list is one value: the two are not concatenated).
   */
  public GenerationOptions overrideWith(GenerationOptions other) {
    Objects.requireNonNull(other, "other must not be null");
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    return new GenerationOptions(
        other.temperature.isPresent() ? other.temperature : temperature,
        other.maxTokens.isPresent() ? other.maxTokens : maxTokens,
        other.n.isPresent() ? other.n : n,
        other.stop.isEmpty() ? stop : other.stop);
  }

  /** Only the values that are set, e.g. {@code GenerationOptions[temperature=0.7, n=3]}. */
  @Override
  public String toString() {
    var s = new StringBuilder("GenerationOptions[");
    temperature.ifPresent(t -> s.append("temperature=").append(t).append(", "));
    maxTokens.ifPresent(t -> s.append("maxTokens=").append(t).append(", "));
    n.ifPresent(c -> s.append("n=").append(c).append(", "));
    if (!stop.isEmpty()) {
      s.append("stop=").append(stop).append(", ");
    }
    if (s.charAt(s.length() - 1) == ' ') {
      s.setLength(s.length() - 2);
    }
    return s.append(']').toString();
  }
}
