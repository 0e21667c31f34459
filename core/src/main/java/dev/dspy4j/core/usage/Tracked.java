package dev.dspy4j.core.usage;

import java.util.Map;
import java.util.Objects;

/**
 * A pipeline's result together with the tokens it used, from {@link UsageTracking#track}.
 *
 * @param value what the pipeline emitted
 * @param usage tokens per model used to produce it
 * @param <T> the type of the result
 */
public record Tracked<T>(T value, Map<String, ModelUsage> usage) {

  public Tracked {
    Objects.requireNonNull(value, "value must not be null");
    usage = Map.copyOf(Objects.requireNonNull(usage, "usage must not be null"));
  }

  /** The usage summed over all models. */
  public ModelUsage totalUsage() {
    return usage.values().stream().reduce(ModelUsage.NONE, ModelUsage::plus);
  }
}
