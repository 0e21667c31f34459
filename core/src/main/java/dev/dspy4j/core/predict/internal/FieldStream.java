package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.lm.ChunkAccumulator;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Follows one streamed LM answer for a module's stream: feeds the text of each choice to that
 * choice's {@link FieldSplitter} and makes the {@link FieldChunk}s, each built once with its module
 * path and choice; adds every chunk to a {@link ChunkAccumulator}, so that the answer parses into
 * the same {@link LmResponse} a non-streamed call returns. A cache replay yields no field chunks.
 * One instance per subscription; not thread-safe.
 *
 * <p>Made for {@code Flux.concatMapIterable(fieldStream::accept)}: {@link #accept} returns this
 * instance as the iterable of the chunks the LM chunk completed, reusing one small buffer, so a
 * delta allocates nothing beyond its chunks and their texts. That needs each delta's chunks taken
 * before the next delta is accepted, which {@code concatMapIterable} does (it maps an element only
 * once the previous one's iterable is drained); {@link #accept} checks it.
 */
public final class FieldStream
    implements Iterable<StreamEvent>, Spliterator<StreamEvent>, FieldSplitter.Sink {

  private final IntFunction<@Nullable FieldSplitter> newSplitter;
  private final String path;
  private final ChunkAccumulator answer = new ChunkAccumulator();
  private @Nullable FieldSplitter first;
  private boolean firstMade;
  private @Nullable TreeMap<Integer, @Nullable FieldSplitter> others;

  /** The choice whose text the splitter being fed belongs to. */
  private int choice;

  private StreamEvent[] buffer = new StreamEvent[4];
  private int size;
  private int taken;

  /**
   * @param splitters makes the splitter of a choice, on the choice's first text (null leaves that
   *     choice unstreamed)
   * @param path the module path every field chunk carries ({@code ""} for none)
   */
  public FieldStream(IntFunction<@Nullable FieldSplitter> splitters, String path) {
    this.newSplitter = splitters;
    this.path = path;
  }

  /**
   * Takes one LM chunk; returns the field chunks it completes, as this instance (valid until the
   * next call).
   *
   * @throws IllegalStateException when the previous chunk's field chunks were not all taken
   */
  public Iterable<StreamEvent> accept(LmChunk chunk) {
    if (taken < size) {
      throw new IllegalStateException(
          "the field chunks of the previous LM chunk were not all taken");
    }
    size = 0;
    taken = 0;
    answer.add(chunk);
    if (answer.cacheHit() || chunk.text().isEmpty()) return this;
    choice = chunk.index();
    FieldSplitter splitter = splitter(choice);
    if (splitter != null) splitter.accept(chunk.text(), this);
    return this;
  }

  /**
   * The field chunks held back until the end of the answer, choice by choice (none after a cache
   * replay).
   */
  public List<StreamEvent> finish() {
    var rest = new ArrayList<StreamEvent>();
    if (answer.cacheHit()) return rest;
    size = 0;
    taken = 0;
    choice = 0;
    FieldSplitter splitter = splitter(0); // choice 0 without text still closes its fields
    if (splitter != null) splitter.finish(this);
    drainTo(rest);
    if (others != null) {
      for (var e : others.entrySet()) {
        if (e.getValue() == null) continue;
        choice = e.getKey();
        e.getValue().finish(this);
        drainTo(rest);
      }
    }
    return rest;
  }

  /** The whole answer as a response, as {@code LanguageModel.complete} would have returned it. */
  public LmResponse response() {
    return answer.response();
  }

  private @Nullable FieldSplitter splitter(int index) {
    if (index == 0) { // the hot path: nearly every stream has only choice 0
      if (!firstMade) {
        first = newSplitter.apply(0);
        firstMade = true;
      }
      return first;
    }
    if (others == null) others = new TreeMap<>();
    if (!others.containsKey(index)) others.put(index, newSplitter.apply(index));
    return others.get(index);
  }

  private void drainTo(List<StreamEvent> out) {
    for (int i = taken; i < size; i++) {
      out.add(buffer[i]);
      buffer[i] = null;
    }
    size = 0;
    taken = 0;
  }

  /**
   * A piece the splitter of the current choice found: becomes a chunk with this stream's path and
   * choice.
   */
  @Override
  public void field(String field, String text, boolean last) {
    if (size == buffer.length) buffer = Arrays.copyOf(buffer, size * 2);
    buffer[size++] = new FieldChunk(field, text, last, path, choice);
  }

  @Override
  public Spliterator<StreamEvent> spliterator() {
    return this;
  }

  @Override
  public Iterator<StreamEvent> iterator() {
    return Spliterators.iterator(this);
  }

  @Override
  public boolean tryAdvance(Consumer<? super StreamEvent> action) {
    if (taken == size) return false;
    StreamEvent next = buffer[taken];
    buffer[taken++] = null;
    action.accept(next);
    return true;
  }

  @Override
  public @Nullable Spliterator<StreamEvent> trySplit() {
    return null;
  }

  @Override
  public long estimateSize() {
    return size - taken;
  }

  @Override
  public int characteristics() {
    return ORDERED | SIZED | SUBSIZED | NONNULL;
  }
}
