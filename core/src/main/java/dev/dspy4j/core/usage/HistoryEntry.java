package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.internal.Redaction;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One LM call as kept in {@link LmHistory}, like an entry of DSPy's {@code lm.history}. Holds no
 * credentials: {@link #kwargs()} are the per-call settings with credential-like headers and body
 * fields masked.
 *
 * @param uuid a random id of this entry
 * @param timestamp when the call completed
 * @param model the LM's model name
 * @param messages the messages sent
 * @param kwargs the per-call settings in DSPy's names ({@code temperature}, {@code max_tokens},
 *     {@code n}, {@code stop}, {@code response_format}, {@code headers}, {@code extra_body}, {@code
 *     cache}, {@code rollout_id}), only those that were set
 * @param outputs one text per choice
 * @param usage the tokens used (zeros for a cache hit)
 * @param cacheHit whether the answer came from a cache
 */
public record HistoryEntry(
    UUID uuid,
    Instant timestamp,
    String model,
    List<Message> messages,
    Map<String, Object> kwargs,
    List<String> outputs,
    Usage usage,
    boolean cacheHit) {

  public HistoryEntry {
    Objects.requireNonNull(uuid, "uuid must not be null");
    Objects.requireNonNull(timestamp, "timestamp must not be null");
    Objects.requireNonNull(model, "model must not be null");
    messages = List.copyOf(messages);
    kwargs =
        Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(kwargs, "kwargs")));
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(usage, "usage must not be null");
  }

  /** The entry for {@code request} answered by {@code response}, completed at {@code timestamp}. */
  public static HistoryEntry of(
      String model, LmRequest request, LmResponse response, Instant timestamp) {
    Objects.requireNonNull(request, "request must not be null");
    Objects.requireNonNull(response, "response must not be null");
    return new HistoryEntry(
        randomUuid(),
        timestamp,
        model,
        request.messages(),
        kwargs(request),
        response.texts(),
        response.cacheHit() ? Usage.ZERO : response.usage(),
        response.cacheHit());
  }

  /**
   * A version-4 UUID from {@link ThreadLocalRandom}: an entry id needs no cryptographic strength,
   * and {@link UUID#randomUUID()}'s SecureRandom would be contended by thousands of concurrent
   * calls.
   */
  private static UUID randomUuid() {
    var random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  private static Map<String, Object> kwargs(LmRequest r) {
    var k = new LinkedHashMap<String, Object>();
    r.temperature().ifPresent(t -> k.put("temperature", t));
    r.maxTokens().ifPresent(t -> k.put("max_tokens", t));
    r.n().ifPresent(n -> k.put("n", n));
    if (!r.stop().isEmpty()) {
      k.put("stop", r.stop());
    }
    r.responseFormat().ifPresent(f -> k.put("response_format", Redaction.body(f)));
    if (!r.headers().isEmpty()) {
      k.put("headers", Redaction.headers(r.headers().asMap()));
    }
    if (!r.extraBody().isEmpty()) {
      k.put("extra_body", Redaction.body(r.extraBody()));
    }
    r.cache().ifPresent(c -> k.put("cache", c));
    r.rolloutId().ifPresent(id -> k.put("rollout_id", id));
    return k;
  }
}
