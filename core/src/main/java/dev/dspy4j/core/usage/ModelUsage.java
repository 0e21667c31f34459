package dev.dspy4j.core.usage;

/**
 * Tokens used by one model (or in total) over a tracked pipeline, like one entry of DSPy's {@code
 * get_lm_usage()}. Counts are {@code long}: a long batch can exceed {@code int}.
 *
 * @param calls LM calls recorded, cache hits included
 * @param cacheHits calls answered from a cache; they add no tokens
 * @param promptTokens prompt tokens summed over the calls
 * @param completionTokens completion tokens summed over the calls
 * @param totalTokens total tokens summed over the calls, as the server reported them
 */
public record ModelUsage(
    long calls, long cacheHits, long promptTokens, long completionTokens, long totalTokens) {

  /** Nothing used. */
  public static final ModelUsage NONE = new ModelUsage(0, 0, 0, 0, 0);

  public ModelUsage {
    if (calls < 0 || cacheHits < 0 || promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
      throw new IllegalArgumentException("usage counts must not be negative");
    }
  }

  /** The sum of this usage and {@code other}. */
  public ModelUsage plus(ModelUsage other) {
    return new ModelUsage(
        calls + other.calls,
        cacheHits + other.cacheHits,
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        totalTokens + other.totalTokens);
  }
}
