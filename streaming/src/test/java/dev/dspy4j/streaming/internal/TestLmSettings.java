package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link LmSettings} for the tests of this package: short fixed timeouts on a local URL, the rest
 * as each test needs.
 */
final class TestLmSettings {

  private TestLmSettings() {}

  /** For the decoding tests ({@link ChunkStream}, {@link ResponseChunks}). */
  static LmSettings of(String model, @Nullable String apiKey, int numRetries, int maxBytes) {
    return of(
        model,
        apiKey,
        GenerationOptions.empty(),
        Headers.empty(),
        Map.of(),
        true,
        numRetries,
        maxBytes);
  }

  static LmSettings of(
      String model,
      @Nullable String apiKey,
      GenerationOptions options,
      Headers headers,
      Map<String, Object> extraBody,
      boolean cache,
      int numRetries,
      int maxBytes) {
    return new LmSettings(
        model,
        apiKey,
        "http://localhost/v1",
        options,
        headers,
        extraBody,
        cache,
        numRetries,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofMillis(1),
        Duration.ofMillis(1),
        Duration.ofSeconds(60),
        maxBytes,
        maxBytes,
        null);
  }
}
