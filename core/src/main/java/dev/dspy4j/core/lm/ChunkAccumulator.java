package dev.dspy4j.core.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Puts the chunks of one streamed call together into the {@link LmResponse} a non-streamed call
 * would have returned: the one place where that is done (cache, history, modules all use it), so
 * every reader of a stream agrees on the answer.
 *
 * <ul>
 *   <li>Texts: one per choice index, from 0 to the highest index seen; a choice that sent nothing
 *       is {@code ""}; a stream without any chunk is one empty text.
 *   <li>Finish reason: choice 0's (the one an {@link LmResponse} keeps).
 *   <li>Usage: the last usage chunk's, {@link Usage#ZERO} when none came.
 *   <li>Cache hit: true when any chunk was a cache replay.
 *   <li>Function calls: the {@link ToolCallDelta}s of each choice, assembled per call index.
 * </ul>
 *
 * <p>Holds one text per choice, so its size is that of the answer. Not thread-safe: feed it the
 * serial signals of one stream.
 *
 * <pre>{@code
 * var answer = new ChunkAccumulator();
 * lm.stream(request).doOnNext(answer::add).then(Mono.fromCallable(answer::response))
 * }</pre>
 */
public final class ChunkAccumulator {

  /** Choice 0's text: nearly every stream has only that choice, so it skips the map. */
  private final StringBuilder first = new StringBuilder();

  private boolean firstSeen;
  private @Nullable TreeMap<Integer, StringBuilder> others;
  private @Nullable TreeMap<Integer, ToolCallAssembler> toolCalls;
  private Usage usage = Usage.ZERO;
  private @Nullable String finishReason;
  private boolean cacheHit;

  /** Creates an accumulator that has seen no chunk yet. */
  public ChunkAccumulator() {}

  /** Adds one chunk: its text, function-call pieces, finish reason, usage and cache-hit mark. */
  public void add(LmChunk chunk) {
    int choice = chunk.index();
    if (choice == 0) {
      firstSeen = true;
      first.append(chunk.text());
      if (chunk.finishReason().isPresent()) finishReason = chunk.finishReason().get();
    } else {
      if (others == null) others = new TreeMap<>();
      others.computeIfAbsent(choice, i -> new StringBuilder()).append(chunk.text());
    }
    if (!chunk.toolCallDeltas().isEmpty()) {
      if (toolCalls == null) toolCalls = new TreeMap<>();
      toolCalls.computeIfAbsent(choice, i -> new ToolCallAssembler()).add(chunk);
    }
    if (chunk.usage().isPresent()) usage = chunk.usage().get();
    if (chunk.cacheHit()) cacheHit = true;
  }

  /** The usage of the last usage chunk so far, {@link Usage#ZERO} when none came. */
  public Usage usage() {
    return usage;
  }

  /** Whether a cache replay chunk was added. */
  public boolean cacheHit() {
    return cacheHit;
  }

  /** Choice 0's text so far. */
  public String text() {
    return first.toString();
  }

  /**
   * The whole answer so far (texts, finish reason, usage, cache hit, function calls).
   *
   * @throws MalformedToolCallException when a streamed function call has no name or its arguments
   *     are not a JSON object
   */
  public LmResponse response() {
    int choices = others == null ? 1 : Math.max(1, others.lastKey() + 1);
    List<String> texts = new ArrayList<>(choices);
    texts.add(firstSeen ? first.toString() : "");
    for (int i = 1; i < choices; i++) {
      StringBuilder b = others.get(i);
      texts.add(b == null ? "" : b.toString());
    }
    var response =
        LmResponse.builder(texts).usage(usage).finishReason(finishReason).cacheHit(cacheHit);
    if (toolCalls != null)
      toolCalls.forEach((choice, calls) -> response.toolCalls(choice, calls.complete()));
    return response.build();
  }
}
