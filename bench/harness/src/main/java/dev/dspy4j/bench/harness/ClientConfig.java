package dev.dspy4j.bench.harness;

import java.time.Duration;

/**
 * What every client under test is configured with, the same for all of them.
 *
 * @param baseUrl OpenAI-style base URL ending in {@code /v1}; clients POST {@code
 *     /chat/completions}
 * @param apiKey a dummy bearer key (the bench server ignores it)
 * @param model the model name sent in the body
 * @param maxConcurrency the most streams the scenario keeps open at once; clients size pools to it
 * @param timeout a generous per-request timeout
 * @param mode {@code stream} (plain streaming) or {@code cot} (dspy4j ChainOfThought)
 */
public record ClientConfig(
    String baseUrl,
    String apiKey,
    String model,
    int maxConcurrency,
    Duration timeout,
    String mode) {

  /** The plain streaming mode every client supports. */
  public static final String STREAM = "stream";

  /** Throws if this client cannot run {@link #mode()}, so a scenario never runs the wrong thing. */
  public void requireStreamMode(String client) {
    if (!STREAM.equals(mode)) {
      throw new IllegalArgumentException(
          client + " supports only mode 'stream', not '" + mode + "'");
    }
  }
}
