package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.LmHistory;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

/**
 * Everything an {@code LM} is configured with. Immutable; validated by the LM's builder. {@link
 * #toString()} never shows the API key or header values.
 *
 * @param model the model name sent in the body
 * @param apiKey sent as {@code Authorization: Bearer}; null sends no Authorization header
 * @param apiBase base URL without a trailing slash
 * @param options default generation options (temperature, max tokens), each empty when unset
 * @param headers default request headers (validated when built)
 * @param extraBody default extra top-level body fields
 * @param cache whether the LM caches (honoured by the cache layer)
 * @param numRetries retries after the first attempt
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param firstByteTimeout longest wait for the response headers, and between two reads
 * @param idleTimeout longest gap between two body reads of a streamed response
 * @param retryBackoff first backoff; doubles per retry, with jitter
 * @param maxBackoff longest computed backoff
 * @param maxRetryAfter longest server-requested wait honoured; beyond it the call fails at once
 * @param maxLineBytes longest SSE line or event data
 * @param maxResponseBytes largest non-streamed response body
 * @param httpClient a caller-supplied client, or null for the shared default pool
 * @param helicone typed Helicone default headers, layered under the Reactor Context's
 * @param rateLimiter the limiter every HTTP attempt goes through, or null for none
 * @param history where completed calls are recorded ({@link LmHistory#disabled()} keeps nothing)
 */
public record LmSettings(
    String model,
    @Nullable String apiKey,
    String apiBase,
    GenerationOptions options,
    Headers headers,
    Map<String, Object> extraBody,
    boolean cache,
    int numRetries,
    Duration connectTimeout,
    Duration firstByteTimeout,
    Duration idleTimeout,
    Duration retryBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    int maxLineBytes,
    int maxResponseBytes,
    @Nullable HttpClient httpClient,
    HeliconeHeaders helicone,
    @Nullable RateLimiter rateLimiter,
    LmHistory history) {

  /**
   * Settings without typed Helicone defaults, rate limiter or history (for tests of the transport).
   */
  public LmSettings(
      String model,
      @Nullable String apiKey,
      String apiBase,
      GenerationOptions options,
      Headers headers,
      Map<String, Object> extraBody,
      boolean cache,
      int numRetries,
      Duration connectTimeout,
      Duration firstByteTimeout,
      Duration idleTimeout,
      Duration retryBackoff,
      Duration maxBackoff,
      Duration maxRetryAfter,
      int maxLineBytes,
      int maxResponseBytes,
      @Nullable HttpClient httpClient) {
    this(
        model,
        apiKey,
        apiBase,
        options,
        headers,
        extraBody,
        cache,
        numRetries,
        connectTimeout,
        firstByteTimeout,
        idleTimeout,
        retryBackoff,
        maxBackoff,
        maxRetryAfter,
        maxLineBytes,
        maxResponseBytes,
        httpClient,
        HeliconeHeaders.empty(),
        null,
        LmHistory.disabled());
  }

  /** The chat-completions URL. */
  public String completionsUrl() {
    return apiBase + "/chat/completions";
  }

  @Override
  public String toString() {
    return "LmSettings[model="
        + model
        + ", apiBase="
        + apiBase
        + (apiKey == null ? "" : ", apiKey=***")
        + (options.temperature().isEmpty()
            ? ""
            : ", temperature=" + options.temperature().getAsDouble())
        + (options.maxTokens().isEmpty() ? "" : ", maxTokens=" + options.maxTokens().getAsInt())
        + (headers.isEmpty() ? "" : ", headers=" + headers.names())
        + (extraBody.isEmpty() ? "" : ", extraBody=" + extraBody.keySet())
        + (helicone.toMap().isEmpty() ? "" : ", helicone=" + helicone.toMap().keySet())
        + (rateLimiter == null ? "" : ", rateLimiter=" + rateLimiter)
        + ", cache="
        + cache
        + ", numRetries="
        + numRetries
        + "]";
  }
}
