package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LmSettings} of the decoding tests ({@link ChunkStream}, {@link ResponseChunks}): only
 * the model, key, retries and size limits matter to them; the rest are short fixed timeouts on a
 * local URL.
 */
final class DecodingSettings {

  private DecodingSettings() {}

  static LmSettings of(String model, @Nullable String apiKey, int numRetries, int maxBytes) {
    return new LmSettings(
        model,
        apiKey,
        "http://localhost/v1",
        GenerationOptions.empty(),
        Headers.empty(),
        Map.of(),
        true,
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
