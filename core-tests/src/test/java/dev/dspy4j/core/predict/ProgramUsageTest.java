package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Prediction.usage() of a program call sums its LM calls, as DSPy's get_lm_usage(). */
class ProgramUsageTest {

  private static final Usage EACH = new Usage(10, 5, 15);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static DummyLM twoSteps(int programs) {
    var builder = DummyLM.builder().usage(EACH);
    for (int i = 0; i < programs; i++) {
      builder
          .answer(Map.of("query", "refund policy"))
          .answer(Map.of("reasoning", "Look it up.", "answer", "30 days"));
    }
    return builder.build();
  }

  private static Module body(DummyLM lm) {
    Predict retrieve = Predict.of("question -> query").withLm(lm).withCache(false);
    ChainOfThought answer =
        ChainOfThought.of("query, question -> answer").withLm(lm).withCache(false);
    return inputs ->
        retrieve
            .call(inputs)
            .flatMap(
                r ->
                    answer.call(
                        Map.of("query", r.get("query"), "question", inputs.get("question"))));
  }

  private static final Map<String, Object> IN = Map.of("question", "How long do refunds take?");

  @Test
  void aCompositeBuiltWithModuleOfReportsBothStepsTokens() {
    Prediction p = Module.of(body(twoSteps(1))).call(IN).block(WAIT);

    assertThat(p.get("answer")).isEqualTo("30 days");
    assertThat(p.usage()).isEqualTo(new Usage(20, 10, 30));
  }

  @Test
  void aPlainLambdaReturnsItsLastStepsPrediction() {
    assertThat(body(twoSteps(1)).call(IN).block(WAIT).usage()).isEqualTo(EACH);
  }

  @Test
  void aModuleOfStreamsBatchesAndTakesSessionPathsWithTheSameSum() {
    assertThat(Module.of(body(twoSteps(1))).withSessionPath("bot").call(IN).block(WAIT).usage())
        .isEqualTo(new Usage(20, 10, 30));

    var done =
        Module.of(body(twoSteps(1))).stream(IN)
            .filter(e -> e instanceof StreamEvent.Done)
            .cast(StreamEvent.Done.class)
            .single()
            .block(WAIT);
    assertThat(done.prediction().usage()).isEqualTo(new Usage(20, 10, 30));

    List<Prediction> batch =
        Module.of(body(twoSteps(2))).batch(Flux.just(IN, IN), 1).collectList().block(WAIT);
    assertThat(batch)
        .extracting(Prediction::usage)
        .containsExactly(new Usage(20, 10, 30), new Usage(20, 10, 30));
  }

  @Test
  void aPlainLambdasStreamEndsWithWhatItsCallReturns() {
    var done =
        body(twoSteps(1)).stream(IN)
            .filter(e -> e instanceof StreamEvent.Done)
            .cast(StreamEvent.Done.class)
            .single()
            .block(WAIT);
    assertThat(done.prediction().usage()).isEqualTo(EACH);
  }

  @Test
  void nestedProgramsCountInnerCallsOnceInTheOuterOne() {
    DummyLM lm = twoSteps(1);
    Module inner = Module.of(body(lm));
    Module outer =
        Module.of(
            inputs -> inner.call(inputs).map(p -> Prediction.of(Map.of("final", p.get("answer")))));

    assertThat(outer.call(IN).block(WAIT).usage()).isEqualTo(new Usage(20, 10, 30));
  }

  @Test
  void aJsonFallbackCountsBothLmCalls() {
    var lm =
        DummyLM.builder()
            .usage(EACH)
            .text("I think it is Paris.")
            .json(Map.of("answer", "Paris"))
            .build();

    Prediction p =
        Predict.of("question -> answer")
            .withLm(lm)
            .withCache(false)
            .call(Map.of("question", "Capital?"))
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Paris");
    assertThat(p.usage()).isEqualTo(new Usage(20, 10, 30));
  }

  @Test
  void aStreamedPredictReportsItsOwnUsage() {
    var lm = DummyLM.builder().usage(EACH).answer(Map.of("answer", "Paris")).build();

    var done =
        Predict.of("question -> answer").withLm(lm).withCache(false).stream(
                Map.of("question", "Capital?"))
            .filter(e -> e instanceof StreamEvent.Done)
            .cast(StreamEvent.Done.class)
            .single()
            .block(WAIT);

    assertThat(done.prediction().usage()).isEqualTo(EACH);
  }

  @Test
  void aStreamedPredictsDoneCountsTheFailedFirstAttemptToo() {
    var lm =
        DummyLM.builder()
            .usage(EACH)
            .text("no markers here")
            .json(Map.of("answer", "Paris"))
            .build();

    var done =
        Predict.of("question -> answer").withLm(lm).withCache(false).stream(
                Map.of("question", "Capital?"))
            .filter(e -> e instanceof StreamEvent.Done)
            .cast(StreamEvent.Done.class)
            .single()
            .block(WAIT);

    assertThat(done.prediction().get("answer")).isEqualTo("Paris");
    assertThat(done.prediction().usage()).isEqualTo(EACH.plus(EACH));
  }
}
