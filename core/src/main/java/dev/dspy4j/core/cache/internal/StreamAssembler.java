package dev.dspy4j.core.cache.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ToolCallAssembler;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the full response of a streamed call from its chunks, for the cache. Holds one text per
 * choice, so its size is that of the answer. Fed by one stream at a time (signals are serial).
 */
public final class StreamAssembler {

  private final TreeMap<Integer, StringBuilder> texts = new TreeMap<>();
  private @Nullable String finishReason;
  private @Nullable TreeMap<Integer, ToolCallAssembler> toolCalls;

  /** Adds one chunk's text, function-call pieces and finish reason. */
  public void add(LmChunk chunk) {
    texts.computeIfAbsent(chunk.index(), i -> new StringBuilder()).append(chunk.text());
    if (!chunk.toolCallDeltas().isEmpty()) {
      if (toolCalls == null) toolCalls = new TreeMap<>();
      toolCalls.computeIfAbsent(chunk.index(), i -> new ToolCallAssembler()).add(chunk);
    }
    if (chunk.index() == 0 && chunk.finishReason().isPresent()) finishReason = chunk.finishReason().get();
  }

  /** The whole answer: one text per choice index from 0 to the highest seen (a gap is ""). */
  public LmResponse response() {
    int choices = texts.isEmpty() ? 1 : texts.lastKey() + 1;
    List<String> all = new ArrayList<>(choices);
    for (int i = 0; i < choices; i++) {
      StringBuilder b = texts.get(i);
      all.add(b == null ? "" : b.toString());
    }
    var response = LmResponse.builder(all).finishReason(finishReason);
    if (toolCalls != null) toolCalls.forEach((choice, calls) -> response.toolCalls(choice, calls.complete()));
    return response.build();
  }
}
