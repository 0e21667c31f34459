package dev.dspy4j.redis.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dspy4j.core.lm.LmResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of one cached answer in Redis. Holds only what a cache hit returns: the texts, the
 * finish reason and the model; never usage, headers or the request (and so never credentials).
 * Never Java serialization: any process, in any language, can read an entry.
 *
 * @param format {@link #FORMAT}; an entry of another format is a miss
 * @param key the hex cache key, checked on read (an entry stored under the wrong name is a miss)
 * @param texts one text per choice
 * @param finishReason the finish reason of choice 0, if known
 * @param model the model the server reported, if known
 * @param expiresAt when Redis expires it (epoch milliseconds), so that a reader can keep its memory
 *     copy no longer without asking Redis (0 when unknown)
 */
public record RedisEntry(
    String format,
    String key,
    List<String> texts,
    @Nullable String finishReason,
    @Nullable String model,
    long expiresAt) {

  /** The format tag of this version of the entry. */
  public static final String FORMAT = "dspy4j-cache/1";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * The entry of {@code response} under the hex key {@code key}, expiring at {@code expiresAt}
   * (epoch ms).
   */
  public static RedisEntry of(String key, LmResponse response, long expiresAt) {
    return new RedisEntry(
        FORMAT,
        key,
        response.texts(),
        response.finishReason().orElse(null),
        response.model().orElse(null),
        expiresAt);
  }

  /** This entry as JSON. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a cache entry as JSON", e);
    }
  }

  /** The answer this entry holds. */
  public LmResponse response() {
    return LmResponse.builder(texts).finishReason(finishReason).model(model).build();
  }

  /**
   * The entry in {@code json} if it is a whole entry of this format for {@code expectedKey}, else
   * null (a corrupt, foreign or truncated value is a miss, never an error).
   */
  public static @Nullable RedisEntry read(String json, String expectedKey) {
    RedisEntry entry;
    try {
      entry = MAPPER.readValue(json, RedisEntry.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (entry == null
        || !FORMAT.equals(entry.format)
        || !expectedKey.equals(entry.key)
        || entry.texts == null
        || entry.texts.isEmpty()
        || entry.texts.stream().anyMatch(t -> t == null)) {
      return null;
    }
    return entry;
  }
}
