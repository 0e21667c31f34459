package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmChunk;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The chunks of one streamed response body, as one operator over the body's buffers: each buffer is
 * decoded by the response's {@link ChunkStream} as it arrives, its chunks are emitted as they are
 * requested, and the next buffer is read from the socket only once they all went downstream (at
 * most one decoded buffer waits). A subscriber that requested without bound gets every chunk as
 * soon as its buffer is decoded, so then the body is requested without bound too: Reactor Netty
 * hands such a subscriber each buffer directly instead of through its queue. After {@code [DONE]}
 * the answer is complete: a failure of the rest of the body does not spoil it. When the body ends,
 * {@link ChunkStream#end()} checks it was complete; the {@link StreamTimers} are finished on
 * completion, error and cancel. Every failure goes downstream through {@code mapError} (the
 * transport's typed errors).
 *
 * <p>One operator instead of a chain of map, flatMapIterable, onErrorResume, concatWith and
 * doFinally: every token passed through each of them. Signals to the subscriber are serialised by a
 * work-in-progress counter (requests may come from any thread); the buffers' signals come from the
 * connection's event loop.
 */
final class ResponseChunks extends Flux<LmChunk> {

  private final Flux<ByteBuf> body;
  private final ChunkStream chunks;
  private final StreamTimers timers;
  private final UnaryOperator<Throwable> mapError;

  ResponseChunks(
      Flux<ByteBuf> body,
      ChunkStream chunks,
      StreamTimers timers,
      UnaryOperator<Throwable> mapError) {
    this.body = body;
    this.chunks = chunks;
    this.timers = timers;
    this.mapError = mapError;
  }

  @Override
  public void subscribe(CoreSubscriber<? super LmChunk> actual) {
    body.subscribe(new Decoding(actual, chunks, timers, mapError));
  }

  private static final class Decoding implements CoreSubscriber<ByteBuf>, Subscription {

    private static final AtomicLongFieldUpdater<Decoding> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(Decoding.class, "requested");
    private static final AtomicIntegerFieldUpdater<Decoding> WIP =
        AtomicIntegerFieldUpdater.newUpdater(Decoding.class, "wip");
    private static final AtomicReferenceFieldUpdater<Decoding, ChunkStream.Batch> NEXT =
        AtomicReferenceFieldUpdater.newUpdater(Decoding.class, ChunkStream.Batch.class, "next");

    private final CoreSubscriber<? super LmChunk> actual;
    private final ChunkStream chunks;
    private final StreamTimers timers;
    private final UnaryOperator<Throwable> mapError;
    private @Nullable Subscription upstream;

    private volatile long requested;
    private volatile int wip;

    /** A decoded buffer handed from {@link #onNext} to the drain loop. */
    private volatile ChunkStream.@Nullable Batch next;

    private volatile boolean upstreamDone;
    private @Nullable Throwable upstreamError;

    /** Cancelled by the subscriber, or the body's reading stopped at a failure. */
    private volatile boolean cancelled;

    /** The body was requested without bound (the subscriber had): no more requests are made. */
    private volatile boolean unboundedBody;

    /** A buffer failed to decode: later buffers are not decoded (touched by onNext only). */
    private boolean decodeFailed;

    // Touched only by the drain loop (serialised by wip).
    private @Nullable List<LmChunk> current;
    private @Nullable RuntimeException currentFailure;
    private int index;
    private boolean awaitingBuffer;
    private boolean terminated;

    Decoding(
        CoreSubscriber<? super LmChunk> actual,
        ChunkStream chunks,
        StreamTimers timers,
        UnaryOperator<Throwable> mapError) {
      this.actual = actual;
      this.chunks = chunks;
      this.timers = timers;
      this.mapError = mapError;
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
        drain(); // reads the first buffer ahead, as a prefetch of one
      }
    }

    @Override
    public void onNext(ByteBuf buf) {
      if (cancelled || upstreamDone || decodeFailed) {
        return; // Reactor Netty releases the buffer
      }
      ChunkStream.Batch batch = chunks.decode(buf);
      if (chunks.done()) {
        timers.onDone();
      }
      if (batch.failure() != null) {
        decodeFailed = true;
      }
      // With the body requested without bound, a buffer can come while the drain loop runs on
      // another thread and has not taken the one before: both go down in order, as one batch.
      ChunkStream.Batch pending = NEXT.getAndSet(this, null);
      next = pending == null ? batch : joined(pending, batch);
      drain();
    }

    private static ChunkStream.Batch joined(ChunkStream.Batch first, ChunkStream.Batch second) {
      var both = new ArrayList<LmChunk>(first.chunks().size() + second.chunks().size());
      both.addAll(first.chunks());
      both.addAll(second.chunks());
      return new ChunkStream.Batch(List.copyOf(both), second.failure());
    }

    @Override
    public void onError(Throwable t) {
      if (cancelled || upstreamDone) {
        return; // reading stopped: the failure of what was not read any more does not count
      }
      upstreamError = t;
      upstreamDone = true;
      drain();
    }

    @Override
    public void onComplete() {
      if (cancelled || upstreamDone) {
        return;
      }
      upstreamDone = true;
      drain();
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n)) {
        Operators.addCap(REQUESTED, this, n);
        drain();
      }
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        upstream.cancel();
        timers.finish();
      }
    }

    private void drain() {
      if (WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      do {
        long r = requested;
        long emitted = 0;
        while (!terminated) {
          if (cancelled) {
            current = null;
            return; // wip stays raised: nothing is emitted any more
          }
          List<LmChunk> batch = current;
          if (batch != null && index < batch.size()) {
            if (emitted == r) {
              break;
            }
            actual.onNext(batch.get(index++));
            emitted++;
            continue;
          }
          if (batch != null) {
            current = null;
            RuntimeException failure = currentFailure;
            if (failure != null) {
              // The rest of the body is of no use: stop reading it.
              cancelled = true;
              upstream.cancel();
              terminate(failure);
              break;
            }
          }
          boolean done = upstreamDone; // read before next: a buffer is handed over before the end
          ChunkStream.Batch decoded = NEXT.getAndSet(this, null);
          if (decoded != null) {
            awaitingBuffer = false;
            current = decoded.chunks();
            currentFailure = decoded.failure();
            index = 0;
            continue;
          }
          if (done) {
            terminate(upstreamError);
            break;
          }
          if (!awaitingBuffer && !unboundedBody) {
            awaitingBuffer = true;
            if (r == Long.MAX_VALUE) {
              unboundedBody = true;
              upstream.request(Long.MAX_VALUE);
            } else {
              upstream.request(1);
            }
            continue;
          }
          break;
        }
        if (emitted != 0 && r != Long.MAX_VALUE) {
          REQUESTED.addAndGet(this, -emitted);
        }
        missed = WIP.addAndGet(this, -missed);
      } while (missed != 0);
    }

    /**
     * Ends the stream: after {@code [DONE]} (or without a failure) complete if {@link
     * ChunkStream#end()} finds the answer whole, otherwise fail with the failure.
     */
    private void terminate(@Nullable Throwable failure) {
      terminated = true;
      timers.finish();
      if (failure != null && !chunks.done()) {
        actual.onError(mapped(failure));
        return;
      }
      try {
        chunks.end();
      } catch (RuntimeException e) {
        actual.onError(mapped(e));
        return;
      }
      actual.onComplete();
    }

    private Throwable mapped(Throwable failure) {
      try {
        return mapError.apply(failure);
      } catch (RuntimeException e) {
        e.addSuppressed(failure);
        return e;
      }
    }
  }
}
