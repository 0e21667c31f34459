package dev.dspy4j.core.batch;

import dev.dspy4j.core.predict.Prediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The shape Predict, ChainOfThought and TypedPredict use to offer {@code batch}: two one-line
 * delegations.
 */
class ModuleDelegationTest {

  /** Stands in for a module: {@code call} answers with the question upper-cased. */
  static final class EchoModule {
    Mono<Prediction> call(Map<String, ?> inputs) {
      return Mono.fromSupplier(
          () -> Prediction.of(Map.of("answer", inputs.get("question").toString().toUpperCase())));
    }

    Flux<Prediction> batch(Publisher<? extends Map<String, ?>> inputs, int concurrency) {
      return Batch.outputs(inputs, this::call, concurrency);
    }

    Flux<BatchResult<Map<String, ?>, Prediction>> batch(
        Publisher<? extends Map<String, ?>> inputs, BatchOptions options) {
      return Batch.run(inputs, this::call, options);
    }
  }

  @Test
  void aModuleBatchesItsCallsInInputOrder() {
    var module = new EchoModule();
    List<Map<String, ?>> inputs =
        List.of(Map.of("question", "a"), Map.of("question", "b"), Map.of("question", "c"));

    StepVerifier.create(module.batch(Flux.fromIterable(inputs), 2).map(p -> p.get("answer")))
        .expectNext("A", "B", "C")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(
            module
                .batch(Flux.fromIterable(inputs), BatchOptions.builder().returnFailed(true).build())
                .map(r -> r.input().get("question") + "=" + r.output().orElseThrow().get("answer")))
        .expectNext("a=A", "b=B", "c=C")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }
}
