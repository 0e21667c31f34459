package dev.dspy4j.core.predict;

import dev.dspy4j.core.predict.StreamEvent.Done;
import java.util.Map;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A DSPy program: a lazy function from input field values to a {@link Prediction}, like
 * {@code dspy.Module.forward}. Implement {@link #call} to compose other modules with Reactor
 * operators:
 *
 * <pre>{@code
 * Module rag = inputs -> retrieve(inputs.get("question"))
 *     .flatMap(context -> cot.call(Map.of("context", context, "question", inputs.get("question"))));
 * }</pre>
 */
@FunctionalInterface
public interface Module {

  /**
   * Runs the program. The Mono emits one Prediction and completes, or errors; nothing happens until
   * subscription; cancelling cancels the LM calls in flight.
   */
  Mono<Prediction> call(Map<String, ?> inputs);

  /**
   * The program's progress as events, ending with one {@link Done}. The default runs {@link #call}
   * and emits only the Done; {@code Predict} and {@code ChainOfThought} stream their fields.
   */
  default Flux<StreamEvent> stream(Map<String, ?> inputs) {
    return call(inputs).<StreamEvent>map(Done::new).flux();
  }

  /**
   * Runs the program on every input with at most {@code concurrency} calls in flight and emits the
   * predictions in input order. Errors at the first failed call (use {@code onErrorResume} inside
   * {@link #call} to keep going); cancelling cancels the calls in flight.
   */
  default Flux<Prediction> batch(Publisher<? extends Map<String, ?>> inputs, int concurrency) {
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    return Flux.from(inputs).flatMapSequential(this::call, concurrency);
  }

  /**
   * This module as a Flux operator, for {@code inputs.transform(module.operator(8))}: at most
   * {@code concurrency} calls in flight, predictions in input order.
   */
  default Function<Flux<? extends Map<String, ?>>, Flux<Prediction>> operator(int concurrency) {
    return flux -> batch(flux, concurrency);
  }
}
