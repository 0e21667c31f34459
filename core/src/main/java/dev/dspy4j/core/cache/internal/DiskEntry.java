package dev.dspy4j.core.cache.internal;

import dev.dspy4j.core.lm.LmResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of one cache file. Holds only what a hit returns: no usage, no headers, no request
 * (and so no credentials).
 *
 * @param format {@link #FORMAT}; any other value is treated as an unreadable entry
 * @param key the hex key, checked against the file name on read
 * @param texts one text per choice
 * @param finishReason the finish reason of choice 0, if known
 * @param model the model the server reported, if known
 */
record DiskEntry(
    String format, String key, List<String> texts, @Nullable String finishReason, @Nullable String model) {

  static final String FORMAT = "dspy4j-cache/1";

  static DiskEntry of(String key, LmResponse response) {
    return new DiskEntry(
        FORMAT, key, response.texts(), response.finishReason().orElse(null), response.model().orElse(null));
  }

  /** Whether this entry is complete and belongs to {@code expectedKey}. */
  boolean isValidFor(String expectedKey) {
    return FORMAT.equals(format)
        && expectedKey.equals(key)
        && texts != null
        && !texts.isEmpty()
        && texts.stream().allMatch(t -> t != null);
  }

  LmResponse toResponse() {
    return LmResponse.builder(texts).finishReason(finishReason).model(model).build();
  }
}
