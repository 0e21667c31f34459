package dev.dspy4j.core.lm;

/**
 * Token counts reported by the server for one call (zeros when unknown or served from a cache).
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens prompt plus completion, as reported
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {

  /** No tokens: an unknown usage or a cache hit. */
  public static final Usage ZERO = new Usage(0, 0, 0);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** The sum of this usage and {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        totalTokens + other.totalTokens);
  }
}
