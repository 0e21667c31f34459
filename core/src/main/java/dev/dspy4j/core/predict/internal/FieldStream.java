package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.lm.ChunkAccumulator;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * The events of a module's stream made from one streamed LM answer, in one operator: feeds the text
 * of each choice to that choice's {@link FieldSplitter} and emits the {@link FieldChunk}s, each
 * built once with its module path and choice; adds every LM chunk to a {@link ChunkAccumulator}, so
 * that the answer parses into the same {@link LmResponse} a non-streamed call returns; when the LM
 * stream completes, emits the chunks the splitters held back (choice by choice) and then the one
 * last event made from the whole response (the module's {@code Done}). A cache replay yields no
 * field chunks, only that last event.
 *
 * <p>Nothing else runs per delta: no queue, no operator hop. When the subscriber asks for
 * everything at once (the usual {@code subscribe(..)}), the LM stream is asked for everything too
 * and the chunks go straight to the subscriber as the splitter finds them. Under bounded demand the
 * LM stream is asked for one chunk at a time, once the field chunks of the previous one were taken,
 * so at most one LM chunk's field chunks wait here.
 */
public final class FieldStream extends FluxOperator<LmChunk, StreamEvent> {

  private final IntFunction<@Nullable FieldSplitter> splitters;
  private final String path;
  private final Function<LmResponse, StreamEvent> last;

  private FieldStream(
      Flux<LmChunk> answer,
      IntFunction<@Nullable FieldSplitter> splitters,
      String path,
      Function<LmResponse, StreamEvent> last) {
    super(answer);
    this.splitters = splitters;
    this.path = path;
    this.last = last;
  }

  /**
   * The events of {@code answer}.
   *
   * @param answer the LM's streamed answer
   * @param splitters makes the splitter of a choice, on the choice's first text (null leaves that
   *     choice unstreamed)
   * @param path the module path every field chunk carries ({@code ""} for none)
   * @param last makes the final event from the whole answer once the LM stream completed; an
   *     exception it throws (a parse failure) fails the stream after the field chunks
   */
  public static Flux<StreamEvent> of(
      Flux<LmChunk> answer,
      IntFunction<@Nullable FieldSplitter> splitters,
      String path,
      Function<LmResponse, StreamEvent> last) {
    return new FieldStream(answer, splitters, path, last);
  }

  @Override
  public void subscribe(CoreSubscriber<? super StreamEvent> actual) {
    source.subscribe(new Events(actual, splitters, path, last));
  }

  /** One subscription: the splitters, the accumulated answer and the demand bookkeeping. */
  private static final class Events
      implements CoreSubscriber<LmChunk>, Subscription, FieldSplitter.Sink {

    private static final int UNDECIDED = 0;
    private static final int UNBOUNDED = 1;
    private static final int BOUNDED = 2;

    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<Events> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(Events.class, "requested");

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Events> WIP =
        AtomicIntegerFieldUpdater.newUpdater(Events.class, "wip");

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Events> MODE =
        AtomicIntegerFieldUpdater.newUpdater(Events.class, "mode");

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Events, Queue> QUEUE =
        AtomicReferenceFieldUpdater.newUpdater(Events.class, Queue.class, "queue");

    private final CoreSubscriber<? super StreamEvent> actual;
    private final IntFunction<@Nullable FieldSplitter> newSplitter;
    private final String path;
    private final Function<LmResponse, StreamEvent> last;
    private final ChunkAccumulator answer = new ChunkAccumulator();

    private @Nullable Subscription upstream;
    private @Nullable FieldSplitter first;
    private boolean firstMade;
    private @Nullable TreeMap<Integer, @Nullable FieldSplitter> others;

    /** The choice whose text the splitter being fed belongs to. */
    private int choice;

    /**
     * Set once, by the first request (before the LM stream is asked for anything) or by a terminal
     * signal that comes before any request (which then waits for demand).
     */
    private volatile int mode;

    /** Upstream signals ended (completion, error or a failed last event). */
    private boolean finished;

    private volatile boolean cancelled;

    // Bounded demand only.
    private volatile @Nullable Queue<StreamEvent> queue;
    private volatile long requested;
    private volatile int wip;
    private volatile boolean chunkRequested;
    private volatile boolean done;
    private @Nullable Throwable error;

    Events(
        CoreSubscriber<? super StreamEvent> actual,
        IntFunction<@Nullable FieldSplitter> splitters,
        String path,
        Function<LmResponse, StreamEvent> last) {
      this.actual = actual;
      this.newSplitter = splitters;
      this.path = path;
      this.last = last;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(LmChunk chunk) {
      if (finished) {
        Operators.onNextDropped(chunk, actual.currentContext());
        return;
      }
      answer.add(chunk);
      if (!answer.cacheHit() && !chunk.text().isEmpty()) {
        choice = chunk.index();
        FieldSplitter splitter = splitter(choice);
        if (splitter != null) {
          try {
            splitter.accept(chunk.text(), this);
          } catch (RuntimeException e) {
            upstream.cancel();
            onError(e);
            return;
          }
        }
      }
      if (mode == BOUNDED) {
        chunkRequested = false;
        drain();
      }
    }

    @Override
    public void onError(Throwable t) {
      if (finished) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      finished = true;
      if (decidedMode() == BOUNDED) {
        error = t;
        done = true;
        drain();
      } else {
        actual.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (finished) return;
      // Decided before the held-back chunks are reported: they too must wait for demand.
      int m = decidedMode();
      StreamEvent end;
      try {
        if (!answer.cacheHit()) finishSplitters();
        end = last.apply(answer.response());
      } catch (RuntimeException e) {
        onError(e);
        return;
      }
      finished = true;
      if (m == BOUNDED) {
        queue().offer(end);
        done = true;
        drain();
      } else if (!cancelled) {
        actual.onNext(end);
        actual.onComplete();
      }
    }

    /** Reports the text the splitters held back and closes their fields, choice by choice. */
    private void finishSplitters() {
      choice = 0;
      FieldSplitter splitter = splitter(0); // choice 0 without text still closes its fields
      if (splitter != null) splitter.finish(this);
      if (others != null) {
        for (var e : others.entrySet()) {
          if (e.getValue() == null) continue;
          choice = e.getKey();
          e.getValue().finish(this);
        }
      }
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

    /**
     * A piece the splitter of the current choice found: becomes a chunk with this stream's path and
     * choice.
     */
    @Override
    public void field(String field, String text, boolean last) {
      if (cancelled) return;
      var chunk = new FieldChunk(field, text, last, path, choice);
      if (mode == BOUNDED) {
        queue().offer(chunk);
      } else {
        actual.onNext(chunk);
      }
    }

    @Override
    public void request(long n) {
      if (!Operators.validate(n)) return;
      // Requests are serial (Reactive Streams 2.7): the first one decides the mode.
      if (mode == UNDECIDED) {
        if (n == Long.MAX_VALUE) {
          requested = Long.MAX_VALUE;
          if (MODE.compareAndSet(this, UNDECIDED, UNBOUNDED)) {
            upstream.request(Long.MAX_VALUE);
            return;
          }
        } else {
          queue();
          MODE.compareAndSet(this, UNDECIDED, BOUNDED);
        }
      }
      if (mode == UNBOUNDED) return;
      Operators.addCap(REQUESTED, this, n);
      drain();
    }

    @Override
    public void cancel() {
      if (cancelled) return;
      cancelled = true;
      upstream.cancel();
      if (mode == BOUNDED && WIP.getAndIncrement(this) == 0) queue().clear();
    }

    /**
     * The mode for a terminal signal: one that comes before any request turns the stream bounded,
     * so that its last events wait for demand.
     */
    private int decidedMode() {
      if (mode == UNDECIDED) {
        queue();
        MODE.compareAndSet(this, UNDECIDED, BOUNDED);
      }
      return mode;
    }

    /** The queue of bounded demand, made once (by whichever thread needs it first). */
    @SuppressWarnings("unchecked")
    private Queue<StreamEvent> queue() {
      Queue<StreamEvent> q = queue;
      if (q == null) {
        QUEUE.compareAndSet(this, null, Queues.<StreamEvent>unbounded(8).get());
        q = queue;
      }
      return q;
    }

    /**
     * Bounded demand: hands the waiting events to the subscriber as far as it asked, then asks the
     * LM stream for one more chunk once none wait. Single-producer (the upstream signals fill the
     * queue), single-consumer (whoever holds {@code wip}).
     */
    private void drain() {
      if (WIP.getAndIncrement(this) != 0) return;
      Queue<StreamEvent> q = queue();
      int missed = 1;
      for (; ; ) {
        long r = requested;
        long e = 0;
        for (; ; ) {
          if (cancelled) {
            q.clear();
            return;
          }
          boolean d = done;
          boolean empty = q.isEmpty();
          if (d && empty) {
            Throwable t = error;
            if (t != null) actual.onError(t);
            else actual.onComplete();
            return;
          }
          if (empty || e == r) break;
          actual.onNext(q.poll());
          e++;
        }
        if (e != 0 && r != Long.MAX_VALUE) r = REQUESTED.addAndGet(this, -e);
        if (r > 0 && !done && !chunkRequested && q.isEmpty()) {
          chunkRequested = true;
          upstream.request(1);
        }
        missed = WIP.addAndGet(this, -missed);
        if (missed == 0) break;
      }
    }
  }
}
