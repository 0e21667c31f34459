package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.signature.Signature;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Refine beyond the golden prompts: hints for user modules, failures, the feedback LM;
 * MultiChainComparison errors.
 */
class RefineTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Reward ONE_WORD =
      (in, p) -> p.get("answer").trim().split("\\s+").length == 1 ? 1.0 : 0.0;

  /** Two predictors: rewrite, then answer. */
  static final class TwoStep implements Module {
    final Predict rewrite = Predict.of("question -> query");
    final Predict answer = Predict.of("query -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return rewrite.call(inputs).flatMap(r -> answer.call(Map.of("query", r.get("query"))));
    }
  }

  private static boolean hasHint(LmRequest r, String hint) {
    String user = r.messages().get(r.messages().size() - 1).content();
    return user.contains("[[ ## hint_ ## ]]\n" + hint + "\n");
  }

  @Test
  void eachPredictorOfAUserModuleGetsTheAdviceForItsNameOnTheNextAttempt() {
    var program = new TwoStep();
    DummyLM attempts =
        DummyLM.of(
            List.of(
                Map.of("query", "belgium capital"), Map.of("answer", "It is Brussels"),
                Map.of("query", "capital of belgium"), Map.of("answer", "Brussels")));
    DummyLM feedback =
        DummyLM.of(
            List.of(
                Map.of(
                    "discussion",
                    "answer was long",
                    "advice",
                    Map.of("answer", "One word only."))));
    var names = new LinkedHashMap<String, Signature>();
    names.put("rewrite", program.rewrite.signature());
    names.put("answer", program.answer.signature());
    var refine =
        Refine.of(program, 3, ONE_WORD, 1.0).withPredictors(names).withFeedbackLm(feedback);

    Prediction p =
        refine
            .call(Map.of("question", "What is the capital of Belgium?"))
            .contextWrite(Dspy.withLm(attempts))
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Brussels");
    List<LmRequest> r = attempts.requests();
    assertThat(r).hasSize(4);
    assertThat(r.get(0).messages().get(1).content()).doesNotContain("hint_");
    assertThat(hasHint(r.get(2), "N/A")).as("rewrite is not to blame").isTrue();
    assertThat(hasHint(r.get(3), "One word only.")).as("answer gets its advice").isTrue();
    assertThat(r).extracting(x -> x.rolloutId().orElseThrow()).containsExactly("0", "0", "1", "1");

    LmRequest ask = feedback.lastRequest();
    String user = ask.messages().get(1).content();
    assertThat(user)
        .contains(
            "Module rewrite",
            "Module answer",
            "\"module_name\": \"rewrite\"",
            "\"module_name\": \"answer\"",
            "[\n  \"rewrite\",\n  \"answer\"\n]");
    assertThat(ask.rolloutId()).as("the feedback step is not an attempt").isEmpty();
  }

  @Test
  void insideABestOfNAttemptTheFeedbackStepStillUsesThePlainLmSettings() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "It is Brussels"),
                Map.of("discussion", "d", "advice", Map.of("self", "One word.")),
                Map.of("answer", "Brussels")));
    var refine = Refine.of(Predict.of("question -> answer"), 2, ONE_WORD, 1.0);
    BestOfN.of(refine, 1, ONE_WORD, 1.0)
        .withStartRolloutId(5)
        .call(Map.of("question", "q"))
        .contextWrite(Dspy.withLm(lm))
        .block(WAIT);

    List<LmRequest> r = lm.requests();
    assertThat(r.get(0).rolloutId()).hasValue("0");
    assertThat(r.get(1).rolloutId()).as("feedback: no attempt").isEmpty();
    assertThat(r.get(1).temperature()).isEmpty();
    assertThat(r.get(2).rolloutId()).hasValue("1");
  }

  @Test
  void aFailedFeedbackStepLeavesTheAdviceAsItWasAndTheNextAttemptRuns() {
    DummyLM lm =
        DummyLM.builder()
            .answer(Map.of("answer", "It is Brussels"))
            .error(new ServerException("feedback down", 500, null, null, null, null))
            .answer(Map.of("answer", "Brussels"))
            .build();
    Prediction p =
        Refine.of(Predict.of("question -> answer"), 3, ONE_WORD, 1.0)
            .call(Map.of("question", "Capital of Belgium?"))
            .contextWrite(Dspy.withLm(lm))
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Brussels");
    assertThat(lm.requests().get(2).messages().get(1).content()).doesNotContain("hint_");
  }

  @Test
  void withoutAWinnerTheBestAttemptIsReturnedAndTheLastAttemptGetsNoFeedback() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "a b c"),
                Map.of("discussion", "d", "advice", Map.of("self", "shorter")),
                Map.of("answer", "a b")));
    Reward fewerWords = (in, p) -> -p.get("answer").split(" ").length;
    Prediction p =
        Refine.of(Predict.of("question -> answer"), 2, fewerWords, 0.0)
            .call(Map.of("question", "q"))
            .contextWrite(Dspy.withLm(lm))
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("a b");
    assertThat(lm.requests()).hasSize(3);
  }

  @Test
  void streamedRefineReportsAttemptsAndTheRequestForAdviceAsStatuses() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "It is Brussels"),
                Map.of("discussion", "d", "advice", Map.of("self", "One word.")),
                Map.of("answer", "Brussels")));
    List<StreamEvent> events =
        Refine.of(Predict.of("question -> answer"), 3, ONE_WORD, 1.0).stream(
                Map.of("question", "q"))
            .contextWrite(Dspy.withLm(lm))
            .collectList()
            .block(WAIT);

    assertThat(events)
        .containsExactly(
            new StreamEvent.Status("Refine attempt 1 of 3: reward 0.0"),
            new StreamEvent.Status("Refine: asking for advice"),
            new StreamEvent.Status("Refine attempt 2 of 3: reward 1.0, the threshold is reached"),
            new StreamEvent.Done(Prediction.of(Map.of("answer", "Brussels"))));
  }

  @Test
  void multiChainComparisonChecksItsAttemptsBeforeAnyLmCall() {
    DummyLM lm = DummyLM.of(List.of());
    var mcc = MultiChainComparison.of("question -> answer").withLm(lm);
    StepVerifier.create(
            mcc.call(List.of(Map.of("reasoning", "r", "answer", "a")), Map.of("question", "q")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                        "The number of attempts (1) doesn't match the expected number M (3)"))
        .verify(WAIT);
    StepVerifier.create(
            mcc.call(
                List.of(Map.of("answer", "a"), Map.of("answer", "b"), Map.of("answer", "c")),
                Map.of("question", "q")))
        .expectErrorSatisfies(
            e -> assertThat(e).hasMessageContaining("neither 'rationale' nor 'reasoning'"))
        .verify(WAIT);
    StepVerifier.create(mcc.call(Map.of("question", "q")))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("under 'completions'"))
        .verify(WAIT);
    assertThat(lm.requests()).isEmpty();
  }

  @Test
  void multiChainComparisonTakesTheCompletionsOfAPredictionLikeDspysCompletionsKeyword() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                Map.of("reasoning", "r1", "answer", "4"),
                Map.of("reasoning", "r2", "answer", "5"),
                Map.of("reasoning", "r3", "answer", "4"),
                Map.of("rationale", "most say 4", "answer", "4")));
    var cot = ChainOfThought.of("question -> answer").withN(3).withLm(lm);
    var mcc = MultiChainComparison.of("question -> answer").withLm(lm);

    Prediction p =
        cot.call(Map.of("question", "2+2?"))
            .flatMap(three -> mcc.call(Map.of("completions", three, "question", "2+2?")))
            .block(WAIT);

    assertThat(p.get("rationale")).isEqualTo("most say 4");
    String user = lm.lastRequest().messages().get(1).content();
    assertThat(user)
        .contains(
            "[[ ## reasoning_attempt_2 ## ]]\n«I'm trying to r2 I'm not sure but my prediction is 5»");
    assertThat(user).doesNotContain("completions");
  }
}
