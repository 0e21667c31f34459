package dev.dspy4j.spring;

import dev.dspy4j.core.lm.LmConfigurationException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies one configuration property to a builder, turning the builder's rejection into a start-up
 * failure that names the property. Package-private: not part of the API.
 */
final class PropertyChecks {

  private PropertyChecks() {}

  /**
   * Runs {@code setter}; a rejected value becomes an {@link
   * InvalidConfigurationPropertyValueException}.
   */
  public static void apply(String property, @Nullable Object value, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | LmConfigurationException e) {
      throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
    }
  }

  /**
   * Like {@link #apply} for a secret: the failure names the property and says why, but never holds
   * the value (Boot's failure report would print it).
   */
  public static void applySecret(String property, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | LmConfigurationException e) {
      throw new IllegalStateException(
          "Invalid value for configuration property '" + property + "': " + e.getMessage());
    }
  }

  /** Fails start-up naming {@code property} when it has no value. */
  public static String required(String property, @Nullable String value, String hint) {
    if (value == null || value.isBlank()) {
      throw new InvalidConfigurationPropertyValueException(
          property, value, "it must be set (" + hint + ")");
    }
    return value;
  }
}
