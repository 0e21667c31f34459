package dev.dspy4j.core.batch;

import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one asynchronous call per input with bounded concurrency, like DSPy's {@code module.batch},
 * but reactive: inputs are pulled only as slots free up, so a generator of millions of inputs is
 * never materialised, and memory stays flat over a long run.
 *
 * <pre>{@code
 * Flux<Prediction> answers = Batch.outputs(questions, qa::call, 64);          // in order, fail fast
 * Flux<BatchResult<Map<String, ?>, Prediction>> all = Batch.run(questions, qa::call,
 *     BatchOptions.builder().concurrency(64).returnFailed(true).maxErrors(100)
 *         .onProgress(p -> System.out.print("\r" + p.summary())).build());
 * }</pre>
 *
 * <p>Every LM call made by {@code call} sees the subscriber's Reactor Context (Helicone headers,
 * the LM override, usage trackers), plus a usage tracker of the run that feeds {@link
 * BatchProgress#tokens()}.
 */
public final class Batch {

  private Batch() {}

  /**
   * Calls {@code call} for each input, at most {@code options.concurrency()} at once, and emits one
   * {@link BatchResult} per input: in input order, or as they finish when not ordered. Failures are
   * emitted as {@link BatchResult.Failure} when {@code returnFailed}; the run errors with {@link
   * BatchFailedException} once {@code maxErrors} inputs failed (cancelling the calls in flight and
   * pulling no more inputs), or at the end when failures were held back. An error of {@code inputs}
   * itself ends the run with that error. Cancelling cancels the calls in flight.
   *
   * @param inputs the inputs; requested only as calls finish
   * @param call one lazy call per input; it is subscribed once, when a slot is free
   * @param options concurrency, order, error policy, timeout and progress
   */
  public static <I, O> Flux<BatchResult<I, O>> run(
      Publisher<? extends I> inputs,
      Function<? super I, ? extends Mono<? extends O>> call,
      BatchOptions options) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    Objects.requireNonNull(call, "call must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return Flux.defer(() -> new BatchRun<I, O>(call, options).results(inputs));
  }

  /**
   * The outputs of {@code call} for each input, in input order, at most {@code concurrency} at
   * once. Completes after the last output; on the first failed input, errors with that input's own
   * error (an empty call errors with {@link java.util.NoSuchElementException}) and cancels the
   * calls in flight. Cancelling cancels the calls in flight.
   */
  public static <I, O> Flux<O> outputs(
      Publisher<? extends I> inputs,
      Function<? super I, ? extends Mono<? extends O>> call,
      int concurrency) {
    BatchOptions options = BatchOptions.of(concurrency);
    return Batch.<I, O>run(inputs, call, options)
        .map(result -> ((BatchResult.Success<I, O>) result).value())
        .onErrorMap(
            e -> e instanceof BatchFailedException && e.getCause() != null, Throwable::getCause);
  }
}
