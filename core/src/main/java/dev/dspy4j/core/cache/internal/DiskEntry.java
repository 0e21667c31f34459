package dev.dspy4j.core.cache.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ToolCall;
import java.util.List;
import java.util.Map;
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
 * @param toolCalls the function calls per choice index (native function calling), absent when none
 */
record DiskEntry(
    String format,
    String key,
    List<String> texts,
    @Nullable String finishReason,
    @Nullable String model,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<Integer, List<ToolCall>> toolCalls) {

  static final String FORMAT = "dspy4j-cache/1";

  static DiskEntry of(String key, LmResponse response) {
    return new DiskEntry(
        FORMAT,
        key,
        response.texts(),
        response.finishReason().orElse(null),
        response.model().orElse(null),
        response.toolCallsByChoice().isEmpty() ? null : response.toolCallsByChoice());
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
    var response = LmResponse.builder(texts).finishReason(finishReason).model(model);
    if (toolCalls != null) response.toolCalls(toolCalls);
    return response.build();
  }
}
