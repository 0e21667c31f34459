package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Signal;

/**
 * Merges consecutive chunks of the same field into larger ones, so a UI under heavy load gets fewer
 * frames. Text is only ever concatenated, never split or reordered; a chunk of another field (or of
 * the same field from another sub-module path or choice), a {@code last} chunk, any other event and
 * the end of the stream flush what is held first.
 */
final class Coalescer {

  private static final Object TICK = new Object();

  private final int maxChars;
  private @Nullable String field;
  private String path = "";
  private int choice;
  private final StringBuilder text = new StringBuilder();

  private Coalescer(int maxChars) {
    this.maxChars = maxChars;
  }

  /**
   * The events with runs of same-field chunks merged; held text is flushed at least every {@code
   * flushEvery} and as soon as it reaches {@code maxChars}. Signals the source's completion or
   * error after flushing; cancelling cancels the source and the flush timer.
   */
  static Flux<StreamEvent> coalesce(
      Publisher<? extends StreamEvent> events, Duration flushEvery, int maxChars) {
    return Flux.defer(
        () -> {
          var buffer = new Coalescer(maxChars);
          // A tick that finds no demand is simply dropped: the next one (or the next event)
          // flushes.
          Flux<Object> ticks =
              Flux.interval(flushEvery, flushEvery).map(i -> TICK).onBackpressureDrop();
          Flux<Object> signals = Flux.<StreamEvent>from(events).materialize().map(s -> s);
          return Flux.merge(signals, ticks)
              .takeUntil(Coalescer::isTerminal)
              .concatMapIterable(buffer::accept)
              .<StreamEvent>dematerialize();
        });
  }

  private static boolean isTerminal(Object item) {
    return item instanceof Signal<?> s && (s.isOnComplete() || s.isOnError());
  }

  // Called serially (merge serialises its output), so the buffer needs no locking.
  @SuppressWarnings("unchecked")
  private List<Signal<StreamEvent>> accept(Object item) {
    var out = new ArrayList<Signal<StreamEvent>>(2);
    if (item == TICK) {
      flushInto(out);
      return out;
    }
    var signal = (Signal<StreamEvent>) item;
    if (!signal.isOnNext()) {
      flushInto(out);
      out.add(signal);
      return out;
    }
    StreamEvent event = signal.get();
    if (!(event instanceof FieldChunk chunk)) {
      flushInto(out);
      out.add(signal);
      return out;
    }
    if (field != null
        && !(field.equals(chunk.field())
            && path.equals(chunk.path())
            && choice == chunk.choice())) {
      flushInto(out);
    }
    field = chunk.field();
    path = chunk.path();
    choice = chunk.choice();
    text.append(chunk.text());
    if (chunk.last()) {
      out.add(Signal.next(new FieldChunk(field, text.toString(), true, path, choice)));
      reset();
    } else if (text.length() >= maxChars) {
      flushInto(out);
    }
    return out;
  }

  private void flushInto(List<Signal<StreamEvent>> out) {
    if (field != null && text.length() > 0) {
      out.add(Signal.next(new FieldChunk(field, text.toString(), false, path, choice)));
    }
    reset();
  }

  private void reset() {
    field = null;
    path = "";
    choice = 0;
    text.setLength(0);
  }
}
