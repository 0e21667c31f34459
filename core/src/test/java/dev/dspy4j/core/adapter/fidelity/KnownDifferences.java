package dev.dspy4j.core.adapter.fidelity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden cases where dspy4j deliberately differs from DSPy, by case id, each with its reason
 * (the same reasons as README's "Where dspy4j deliberately differs from DSPy").
 */
final class KnownDifferences {

  private KnownDifferences() {}

  /** Case id to reason. */
  static final Map<String, String> CASES = build();

  private static Map<String, String> build() {
    var m = new LinkedHashMap<String, String>();
    return Map.copyOf(m);
  }
}
