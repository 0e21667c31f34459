package dev.dspy4j.core.batch;

import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.UsageTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The state of one subscription to {@link Batch#run}: counters, first failures, progress. */
final class BatchRun<I, O> {

  private final Function<? super I, ? extends Mono<? extends O>> call;
  private final BatchOptions options;
  private final UsageTracker usage = UsageTracker.create();

  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final List<BatchResult.Failure<?, ?>> firstFailures =
      new ArrayList<>(); // guarded by itself

  private volatile long startedAt;
  private long lastProgressAt = Long.MIN_VALUE; // guarded by this

  BatchRun(Function<? super I, ? extends Mono<? extends O>> call, BatchOptions options) {
    this.call = call;
    this.options = options;
  }

  Flux<BatchResult<I, O>> results(Publisher<? extends I> inputs) {
    Flux<Item<I>> items = Flux.<I>from(inputs).doOnError(e -> stopped.set(true)).index(Item::new);
    Flux<BatchResult<I, O>> results;
    if (options.ordered()) {
      // flatMapSequential keeps finished results until the earlier ones are emitted; its
      // concurrency
      // bounds that buffer (concurrency + reorderWindow), while the gate keeps at most
      // `concurrency`
      // calls running, granted in input order, so a slow item does not idle the other slots.
      int window = options.concurrency() + options.reorderWindow();
      RateLimiter gate =
          RateLimiter.builder().maxConcurrent(options.concurrency()).adaptive(false).build();
      results = items.flatMapSequential(item -> gate.run(attempt(item)), window, 1);
    } else {
      results = items.flatMap(this::attempt, options.concurrency(), 1);
    }
    return results
        .doOnSubscribe(s -> startedAt = now())
        .doOnNext(r -> progress(false))
        .filter(r -> r.isSuccess() || options.returnFailed())
        .concatWith(Mono.defer(this::heldBackFailures))
        .doOnTerminate(() -> progress(true))
        .doOnCancel(
            () -> {
              stopped.set(true);
              progress(true);
            })
        .contextWrite(usage.context());
  }

  private Mono<BatchResult<I, O>> attempt(Item<I> item) {
    // While a stopping run cancels its calls, each cancel frees a gate slot that would start a call
    // still queued behind it: once stopped, queued inputs start nothing.
    return Mono.defer(() -> stopped.get() ? Mono.empty() : call(item));
  }

  private Mono<BatchResult<I, O>> call(Item<I> item) {
    return Mono.defer(
            () -> {
              Mono<? extends O> mono = call.apply(item.input());
              if (mono == null) {
                return Mono.error(
                    new NullPointerException(
                        "the batch call returned null instead of a Mono for input #"
                            + item.index()));
              }
              return mono;
            })
        .transform(this::countInFlight)
        .transform(
            m ->
                options
                    .itemTimeout()
                    .<Mono<? extends O>>map(
                        t ->
                            m.timeout(
                                t,
                                Mono.error(
                                    () ->
                                        new TimeoutException(
                                            "input #"
                                                + item.index()
                                                + " did not finish within "
                                                + t.toMillis()
                                                + " ms (BatchOptions.itemTimeout)")),
                                options.scheduler()))
                    .orElse(m))
        .<BatchResult<I, O>>map(o -> new BatchResult.Success<>(item.index(), item.input(), o))
        .switchIfEmpty(
            Mono.fromSupplier(
                () ->
                    new BatchResult.Failure<>(
                        item.index(),
                        item.input(),
                        new NoSuchElementException(
                            "the call for input #" + item.index() + " completed without a value"))))
        .onErrorResume(e -> Mono.just(new BatchResult.Failure<>(item.index(), item.input(), e)))
        .flatMap(this::finished);
  }

  /** Counts a finished input; errors the run once {@code maxErrors} is reached. */
  private Mono<BatchResult<I, O>> finished(BatchResult<I, O> result) {
    done.incrementAndGet();
    if (result instanceof BatchResult.Failure<I, O> failure) {
      long failures = failed.incrementAndGet();
      synchronized (firstFailures) {
        if (firstFailures.size() < BatchFailedException.MAX_CAUSES) {
          firstFailures.add(failure);
        }
      }
      if (failures >= options.maxErrors()) {
        if (stopped.compareAndSet(false, true)) {
          return Mono.error(failedException(true));
        }
        // The run is already stopping; in-flight results racing the stop are dropped with it.
        return Mono.empty();
      }
    }
    return Mono.just(result);
  }

  private Mono<BatchResult<I, O>> heldBackFailures() {
    if (!options.returnFailed() && failed.get() > 0) {
      return Mono.error(failedException(false));
    }
    return Mono.empty();
  }

  private BatchFailedException failedException(boolean stoppedEarly) {
    List<BatchResult.Failure<?, ?>> first;
    synchronized (firstFailures) {
      first = List.copyOf(firstFailures);
    }
    long f = failed.get();
    long d = done.get();
    var msg = new StringBuilder();
    if (stoppedEarly) {
      msg.append("batch stopped: ")
          .append(f)
          .append(" inputs failed, reaching maxErrors=")
          .append(options.maxErrors())
          .append(" after ")
          .append(d)
          .append(" finished");
    } else {
      msg.append("batch finished with ")
          .append(f)
          .append(" failed of ")
          .append(d)
          .append(" inputs (set BatchOptions.returnFailed to get them as BatchResult.Failure)");
    }
    msg.append("; first failures:");
    for (var failure : first) {
      msg.append(" #").append(failure.index()).append(": ").append(failure.error()).append(';');
    }
    return new BatchFailedException(msg.toString(), f, d, stoppedEarly, first);
  }

  private Mono<? extends O> countInFlight(Mono<? extends O> mono) {
    return Mono.defer(
        () -> {
          var left = new AtomicBoolean();
          Runnable leave =
              () -> {
                if (left.compareAndSet(false, true)) {
                  inFlight.decrementAndGet();
                }
              };
          return mono.doOnSubscribe(
                  s -> peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
              .doOnSuccess(v -> leave.run())
              .doOnError(e -> leave.run())
              .doOnCancel(leave);
        });
  }

  /** Synchronized: a cancel may report the final progress while a result is being delivered. */
  private synchronized void progress(boolean last) {
    Consumer<BatchProgress> listener = options.onProgress().orElse(null);
    if (listener == null) {
      return;
    }
    long now = now();
    if (!last
        && lastProgressAt != Long.MIN_VALUE
        && now - lastProgressAt < options.progressInterval().toMillis()) {
      return;
    }
    lastProgressAt = now;
    listener.accept(snapshot(now));
  }

  private BatchProgress snapshot(long now) {
    return new BatchProgress(
        done.get(),
        failed.get(),
        inFlight.get(),
        peakInFlight.get(),
        usage.total().totalTokens(),
        Duration.ofMillis(Math.max(0, now - startedAt)),
        options.expectedTotal());
  }

  private long now() {
    return options.scheduler().now(TimeUnit.MILLISECONDS);
  }

  private record Item<I>(long index, I input) {}
}
