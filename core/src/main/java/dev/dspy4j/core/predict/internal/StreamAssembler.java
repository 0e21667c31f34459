package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.predict.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Follows one streamed LM answer: feeds the text of choice 0 to a {@link FieldSplitter} and
 * accumulates every choice so that, at the end, the same {@link LmResponse} a non-streamed call
 * returns can be parsed. A cache replay yields no field chunks. One instance per subscription.
 */
public final class StreamAssembler {

  private final FieldSplitter splitter;
  private final Map<Integer, StringBuilder> texts = new TreeMap<>();
  private Usage usage = Usage.ZERO;
  private @Nullable String finishReason;
  private boolean cacheHit;

  /** An assembler that reports field chunks through {@code splitter}. */
  public StreamAssembler(FieldSplitter splitter) {
    this.splitter = splitter;
  }

  /** The field chunks this LM chunk completes (an immutable list). */
  public List<? extends StreamEvent> accept(LmChunk chunk) {
    texts.computeIfAbsent(chunk.index(), i -> new StringBuilder()).append(chunk.text());
    if (chunk.usage().isPresent()) usage = chunk.usage().get();
    if (chunk.index() == 0 && chunk.finishReason().isPresent()) finishReason = chunk.finishReason().get();
    if (chunk.cacheHit()) cacheHit = true;
    if (cacheHit || chunk.index() != 0 || chunk.text().isEmpty()) return List.of();
    return splitter.accept(chunk.text());
  }

  /** The chunks held back until the end of the answer (none after a cache replay); immutable. */
  public List<? extends StreamEvent> finish() {
    var rest = splitter.finish();
    return cacheHit ? List.of() : rest;
  }

  /** The whole answer as a response, as {@code LanguageModel.complete} would have returned it. */
  public LmResponse response() {
    var all = new ArrayList<String>();
    if (texts.isEmpty()) all.add("");
    texts.values().forEach(sb -> all.add(sb.toString()));
    return LmResponse.builder(all).usage(usage).finishReason(finishReason).cacheHit(cacheHit).build();
  }
}
