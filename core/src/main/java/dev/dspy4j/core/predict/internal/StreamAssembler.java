package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Follows one streamed LM answer: feeds the text of each choice to that choice's {@link
 * FieldSplitter} (field chunks of choice {@code i} carry {@code choice = i}) and accumulates every
 * choice so that, at the end, the same {@link LmResponse} a non-streamed call returns can be parsed.
 * A cache replay yields no field chunks. One instance per subscription.
 */
public final class StreamAssembler {

  private final IntFunction<FieldSplitter> newSplitter;
  private final Map<Integer, FieldSplitter> splitters = new TreeMap<>();
  private final Map<Integer, StringBuilder> texts = new TreeMap<>();
  private @Nullable FieldSplitter first;
  private Usage usage = Usage.ZERO;
  private @Nullable String finishReason;
  private boolean cacheHit;

  /** An assembler that streams choice 0 only, through {@code splitter}. */
  public StreamAssembler(FieldSplitter splitter) {
    this(choice -> choice == 0 ? splitter : null);
  }

  /**
   * An assembler that streams each choice through its own splitter, made on the choice's first text
   * by {@code splitters} (a null splitter leaves that choice unstreamed).
   */
  public StreamAssembler(IntFunction<@Nullable FieldSplitter> splitters) {
    this.newSplitter = splitters;
  }

  /** The field chunks this LM chunk completes (an immutable list). */
  public List<? extends StreamEvent> accept(LmChunk chunk) {
    int choice = chunk.index();
    texts.computeIfAbsent(choice, i -> new StringBuilder()).append(chunk.text());
    if (chunk.usage().isPresent()) usage = chunk.usage().get();
    if (choice == 0 && chunk.finishReason().isPresent()) finishReason = chunk.finishReason().get();
    if (chunk.cacheHit()) cacheHit = true;
    if (cacheHit || chunk.text().isEmpty()) return List.of();
    if (choice == 0) { // the hot path: one choice, no map lookup, chunks as the splitter made them
      if (first == null) first = splitter(0);
      return first == null ? List.of() : first.accept(chunk.text());
    }
    FieldSplitter splitter = splitter(choice);
    return splitter == null ? List.of() : tagged(splitter.accept(chunk.text()), choice);
  }

  private @Nullable FieldSplitter splitter(int choice) {
    if (!splitters.containsKey(choice)) splitters.put(choice, newSplitter.apply(choice));
    return splitters.get(choice);
  }

  private static List<? extends StreamEvent> tagged(List<FieldChunk> chunks, int choice) {
    if (chunks.isEmpty()) return chunks;
    var out = new ArrayList<FieldChunk>(chunks.size());
    for (FieldChunk c : chunks) out.add(new FieldChunk(c.field(), c.text(), c.last(), c.path(), choice));
    return List.copyOf(out);
  }

  /** The chunks held back until the end of the answer, choice by choice (none after a cache replay); immutable. */
  public List<? extends StreamEvent> finish() {
    if (cacheHit) return List.of();
    if (!splitters.containsKey(0)) splitter(0); // choice 0 without text still closes its fields
    var rest = new ArrayList<StreamEvent>();
    splitters.forEach((choice, splitter) -> {
      if (splitter != null) rest.addAll(choice == 0 ? splitter.finish() : tagged(splitter.finish(), choice));
    });
    return List.copyOf(rest);
  }

  /** The whole answer as a response, as {@code LanguageModel.complete} would have returned it. */
  public LmResponse response() {
    var all = new ArrayList<String>();
    if (texts.isEmpty()) all.add("");
    texts.values().forEach(sb -> all.add(sb.toString()));
    return LmResponse.builder(all).usage(usage).finishReason(finishReason).cacheHit(cacheHit).build();
  }
}
