package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.batch.BatchFailedException;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchResult;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * {@code batch} on Predict, ChainOfThought, TypedPredict and user modules (delegating to
 * core/batch).
 */
class ModuleBatchTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static DummyLM byQuestion(int n) {
    var rules = new java.util.LinkedHashMap<String, Map<String, ?>>();
    for (int i = n - 1; i >= 0; i--)
      rules.put("<q" + i + ">", Map.of("reasoning", "r" + i, "answer", "a" + i));
    return DummyLM.byInput(rules);
  }

  private static List<Map<String, ?>> questions(int n) {
    return IntStream.range(0, n)
        .<Map<String, ?>>mapToObj(i -> Map.of("question", "<q" + i + ">"))
        .toList();
  }

  @Test
  void chainOfThoughtBatchReturnsPredictionsInInputOrder() {
    var cot = ChainOfThought.of("question -> answer").withLm(byQuestion(50));
    StepVerifier.create(cot.batch(Flux.fromIterable(questions(50)), 8).map(p -> p.get("answer")))
        .expectNextSequence(IntStream.range(0, 50).mapToObj(i -> "a" + i).toList())
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void batchWithOptionsReturnsFailedItemsAsResultsAndStopsAtMaxErrors() {
    var boom = new ServerException("HTTP 500", 500, null, null, null, null);
    var lm =
        DummyLM.builder()
            .when("<q0>", Map.of("answer", "a0"))
            .when("<q2>", Map.of("answer", "a2"))
            .build();
    var failing = DummyLM.builder().error(boom).error(boom).error(boom).build();
    Predict qa = Predict.of("question -> answer");
    Module mixed =
        inputs ->
            (inputs.get("question").equals("<q1>") ? qa.withLm(failing) : qa.withLm(lm))
                .call(inputs);

    List<BatchResult<Map<String, ?>, Prediction>> results =
        mixed
            .batch(
                Flux.fromIterable(questions(3)),
                BatchOptions.builder().concurrency(2).returnFailed(true).build())
            .collectList()
            .block(TIMEOUT);
    assertThat(results).extracting(BatchResult::isSuccess).containsExactly(true, false, true);
    assertThat(results.get(1).input()).isEqualTo(Map.of("question", "<q1>"));
    assertThat(results.get(1).failure()).containsSame(boom);
    assertThat(results.get(2).output().orElseThrow().get("answer")).isEqualTo("a2");

    var calls = new AtomicInteger();
    Module alwaysFailing =
        inputs ->
            qa.withLm(DummyLM.builder().error(boom).build())
                .call(inputs)
                .doOnSubscribe(s -> calls.incrementAndGet());
    StepVerifier.create(
            alwaysFailing.batch(
                Flux.range(0, 1_000).map(i -> Map.of("question", "q" + i)),
                BatchOptions.builder().concurrency(4).returnFailed(true).maxErrors(3).build()))
        .thenConsumeWhile(r -> !r.isSuccess())
        .expectError(BatchFailedException.class)
        .verify(TIMEOUT);
    assertThat(calls.get()).as("the run stopped near maxErrors").isLessThan(100);
  }

  record Question(String question) {}

  record Answer(String answer) {}

  @Test
  void typedPredictBatchesRecordsInOrderAndAsResults() {
    var typed = Predict.typed(Question.class, Answer.class).withLm(byQuestion(20));
    var inputs = IntStream.range(0, 20).mapToObj(i -> new Question("<q" + i + ">")).toList();

    StepVerifier.create(typed.batch(Flux.fromIterable(inputs), 4))
        .expectNextSequence(IntStream.range(0, 20).mapToObj(i -> new Answer("a" + i)).toList())
        .expectComplete()
        .verify(TIMEOUT);

    List<BatchResult<Question, Answer>> results =
        typed
            .batch(Flux.fromIterable(inputs), BatchOptions.builder().concurrency(3).build())
            .collectList()
            .block(TIMEOUT);
    assertThat(results).extracting(BatchResult::input).containsExactlyElementsOf(inputs);
    assertThat(results)
        .extracting(r -> r.output().orElseThrow().answer())
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "a" + i).toList());
  }

  @Test
  void aBadConcurrencyIsRejectedAtOnce() {
    var qa = Predict.of("question -> answer");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> qa.batch(Flux.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
  }
}
