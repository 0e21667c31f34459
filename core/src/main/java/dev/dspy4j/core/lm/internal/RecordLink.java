package dev.dspy4j.core.lm.internal;

import dev.dspy4j.core.lm.ChunkAccumulator;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.MalformedToolCallException;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracking;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The record link of an {@code LmChain}: each completed call once, after the cache and the retries,
 * into the {@code UsageTracker}s of the caller's Reactor Context ({@link UsageTracking}) and into
 * the chain's {@link LmHistory}. A cache hit counts as a call with zero tokens. A failed or
 * cancelled call records nothing in the history.
 *
 * <p>A streamed call from the network is followed by one {@link StreamCall} per call: a single
 * operator ({@link #track}) under the cache link that, per chunk, notes whether text reached
 * downstream (read by the {@link RetryLink}: retry only before that), adds the chunk to the call's
 * {@link ChunkAccumulator} (the partial text of an interruption, the history entry, the answer the
 * cache stores) and records the usage chunk. Nothing else runs per chunk for bookkeeping.
 */
public final class RecordLink {

  private final String model;
  private final LmHistory history;

  /**
   * A link recording calls of {@code model} into {@code history} and the Context's usage trackers.
   */
  public RecordLink(String model, LmHistory history) {
    this.model = Objects.requireNonNull(model, "model");
    this.history = Objects.requireNonNull(history, "history");
  }

  /** {@code call} recording its response (hit or not) when it is emitted. */
  public Mono<LmResponse> complete(
      Mono<LmResponse> call, ContextView context, LmRequest effective) {
    return call.doOnNext(
        response -> {
          UsageTracking.record(context, model, response);
          history.record(model, effective, response);
        });
  }

  /** Records a streamed call answered from the cache, once its replay completed. */
  public void hit(ContextView context, LmRequest effective, LmResponse hit) {
    UsageTracking.record(context, model, Usage.ZERO, true);
    history.record(model, effective, hit);
  }

  /** The bookkeeping of one streamed network call made under {@code context}. */
  public StreamCall newStreamCall(ContextView context, LmRequest effective) {
    return new StreamCall(context, effective);
  }

  /**
   * {@code retried} (the retry link's output) with the call's one bookkeeping operator, which also
   * turns a failure of {@code retried} into the call's final failure with {@code finalFailure} (the
   * retry link's {@link RetryLink#finalFailure}).
   */
  public static Flux<LmChunk> track(
      Flux<LmChunk> retried, StreamCall call, UnaryOperator<Throwable> finalFailure) {
    return new Tracked(retried, call, finalFailure);
  }

  /**
   * What one streamed network call has delivered so far, across its attempts. Signals are serial
   * (one subscriber, Reactive Streams rule 1.3), so plain fields suffice.
   */
  public final class StreamCall {
    private final ContextView context;
    private final LmRequest effective;
    private final ChunkAccumulator answer = new ChunkAccumulator();
    private boolean textEmitted;
    private boolean usageRecorded;
    private @Nullable LmResponse whole;

    private StreamCall(ContextView context, LmRequest effective) {
      this.context = context;
      this.effective = effective;
    }

    void onChunk(LmChunk chunk) {
      // Reasoning and function-call pieces shown in a UI count as delivered too: a retry would
      // repeat them.
      if (!textEmitted
          && (!chunk.text().isEmpty()
              || chunk.reasoning().isPresent()
              || !chunk.toolCallDeltas().isEmpty())) {
        textEmitted = true;
      }
      answer.add(chunk);
      if (!usageRecorded) {
        if (chunk.usage().isPresent()) {
          usageRecorded = true;
          UsageTracking.record(context, model, chunk.usage().get(), false);
        } else if (chunk.cacheHit()) {
          // A transport replaying from a cache of its own: a call without tokens.
          usageRecorded = true;
          UsageTracking.record(context, model, Usage.ZERO, true);
        }
      }
    }

    void onComplete() {
      if (!usageRecorded) {
        usageRecorded = true;
        UsageTracking.record(context, model, Usage.ZERO, false);
      }
      if (history.isEnabled()) {
        history.record(model, effective, whole());
      }
    }

    /** Whether a chunk with text, reasoning or a function-call piece went downstream. */
    public boolean textEmitted() {
      return textEmitted;
    }

    /** The whole answer, assembled from the chunks (after completion). */
    public LmResponse whole() {
      LmResponse w = whole;
      if (w == null) {
        w = answer.response();
        whole = w;
      }
      return w;
    }

    /**
     * The failure to report once text went downstream: a {@link StreamInterruptedException}
     * carrying choice 0's text so far; an {@code Error}, an interruption or an unusable answer
     * ({@link MalformedToolCallException}) as it is.
     */
    public Throwable interrupted(Throwable failure) {
      if (failure instanceof StreamInterruptedException
          || failure instanceof Error
          || failure instanceof MalformedToolCallException) {
        return failure;
      }
      String partial = answer.text();
      int status = failure instanceof LmException e ? e.statusCode() : 0;
      String requestId = failure instanceof LmException e ? e.requestId().orElse(null) : null;
      return new StreamInterruptedException(
          "the stream was interrupted after "
              + partial.length()
              + " characters of text had been delivered, so it was not retried: "
              + failure.getMessage()
              + " (partialText() holds the text received)",
          status,
          requestId,
          partial,
          failure);
    }
  }

  /** The one per-chunk bookkeeping operator of a streamed call. */
  private static final class Tracked extends FluxOperator<LmChunk, LmChunk> {
    private final StreamCall call;
    private final UnaryOperator<Throwable> finalFailure;

    Tracked(Flux<LmChunk> source, StreamCall call, UnaryOperator<Throwable> finalFailure) {
      super(source);
      this.call = call;
      this.finalFailure = finalFailure;
    }

    @Override
    public void subscribe(CoreSubscriber<? super LmChunk> actual) {
      source.subscribe(new TrackingSubscriber(actual, call, finalFailure));
    }
  }

  private static final class TrackingSubscriber implements CoreSubscriber<LmChunk>, Subscription {
    private final CoreSubscriber<? super LmChunk> actual;
    private final StreamCall call;
    private final UnaryOperator<Throwable> finalFailure;
    private @Nullable Subscription upstream;
    private boolean done;

    TrackingSubscriber(
        CoreSubscriber<? super LmChunk> actual,
        StreamCall call,
        UnaryOperator<Throwable> finalFailure) {
      this.actual = actual;
      this.call = call;
      this.finalFailure = finalFailure;
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
      if (done) {
        Operators.onNextDropped(chunk, actual.currentContext());
        return;
      }
      try {
        call.onChunk(chunk);
      } catch (RuntimeException e) {
        // A usage tracker that throws fails the call, as an exception in doOnNext would.
        upstream.cancel();
        done = true;
        actual.onError(e);
        return;
      }
      actual.onNext(chunk);
    }

    @Override
    public void onError(Throwable t) {
      if (done) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      done = true;
      Throwable failure;
      try {
        failure = finalFailure.apply(t);
      } catch (RuntimeException e) {
        e.addSuppressed(t);
        failure = e;
      }
      actual.onError(failure);
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      try {
        call.onComplete();
      } catch (RuntimeException e) {
        // An answer that cannot be assembled (a malformed function call) fails the call.
        actual.onError(e);
        return;
      }
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      upstream.request(n);
    }

    @Override
    public void cancel() {
      upstream.cancel();
    }
  }
}
