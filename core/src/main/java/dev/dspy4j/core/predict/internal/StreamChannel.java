package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Carries the stream events of the sub-modules of a composite module to the composite's {@code
 * stream(...)} subscriber. The composite's {@code call} runs with the channel in its Context; a
 * {@code Predict} called beneath finds it, streams its LM answer and {@linkplain #send sends} each
 * event, then returns its prediction to the composite's code as usual.
 *
 * <p>Backpressure is a rendezvous: {@link #send} completes only once the subscriber took the event,
 * and a sub-module sends its next event only after that, so the channel holds at most one event per
 * sub-call running at the same time. One instance per {@code stream} subscription.
 */
public final class StreamChannel {

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.streamChannel";
        }
      };

  private record Pending(StreamEvent event, MonoSink<Void> delivered) {}

  private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile @Nullable FluxSink<StreamEvent> sink;
  private volatile boolean finished;

  private StreamChannel() {}

  /** The channel a composite's stream put in this Context, if the caller is inside one. */
  public static Optional<StreamChannel> in(ContextView ctx) {
    return ctx.getOrEmpty(KEY);
  }

  /**
   * A Context change that hides the channel from the calls beneath, so that they complete instead
   * of streaming: BestOfN and Refine run their attempts so, and report them as {@link
   * StreamEvent.Status} events instead (an attempt's text may be thrown away).
   */
  public static Function<Context, Context> hidden() {
    return ctx -> ctx.delete(KEY);
  }

  /**
   * Sends a status to the channel of this Context, if there is one; completes at once otherwise.
   */
  public static Mono<Void> status(ContextView ctx, String message) {
    return in(ctx).map(c -> c.send(new StreamEvent.Status(message))).orElse(Mono.empty());
  }

  /**
   * Runs {@code call} (a composite module's call) with a new channel in its Context and emits the
   * events its sub-modules send, then one {@link StreamEvent.Done} with its prediction. Errors when
   * {@code call} errors; cancelling cancels {@code call} (and so the sub-modules' LM streams). The
   * call sees the subscriber's Context.
   */
  public static Flux<StreamEvent> stream(Mono<Prediction> call) {
    return Flux.defer(() -> new StreamChannel().events(call));
  }

  private Flux<StreamEvent> events(Mono<Prediction> call) {
    return Flux.create(
        s -> {
          sink = s;
          // Registered before the call starts: a cancel that arrives while the call is still being
          // subscribed (a synchronous sub-module) must still dispose it.
          Disposable.Swap run = Disposables.swap();
          s.onDispose(run);
          s.onRequest(n -> drain());
          run.update(
              call.flatMap(prediction -> send(new StreamEvent.Done(prediction)))
                  .contextWrite(ctx -> ctx.put(KEY, this))
                  .subscribe(
                      null,
                      s::error,
                      () -> {
                        finished = true;
                        drain();
                      },
                      Context.of(s.contextView())));
        });
  }

  /**
   * Hands an event to the subscriber. Completes once the subscriber took it; never completes after
   * the subscriber cancelled (the sender is cancelled with the call); cancelling withdraws the
   * event.
   */
  public Mono<Void> send(StreamEvent event) {
    return Mono.create(
        delivered -> {
          var p = new Pending(event, delivered);
          pending.add(p);
          delivered.onCancel(() -> pending.remove(p));
          drain();
        });
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) return;
    int missed = 1;
    do {
      FluxSink<StreamEvent> s = sink;
      if (s != null) {
        if (s.isCancelled()) {
          // The senders are being cancelled with the call; letting them go on would run the rest of
          // the composite for nobody.
          pending.clear();
        } else {
          while (s.requestedFromDownstream() > 0) {
            Pending p = pending.poll();
            if (p == null) break;
            s.next(p.event());
            p.delivered().success();
          }
          if (finished && pending.isEmpty()) s.complete();
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}
