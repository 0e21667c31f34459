package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** BestOfN's DSPy semantics, its reactive concurrent mode, and what every attempt sends. */
class BestOfNTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Map<String, Object> QUESTION =
      Map.of("question", "What is the capital of Belgium?");
  private static final Reward ONE_WORD =
      (in, p) -> p.get("answer").trim().split("\\s+").length == 1 ? 1.0 : 0.0;

  /** An LM answering by the request's rollout id: a delay and an answer per attempt, or never. */
  static final class ByRollout implements LanguageModel {
    final Map<String, Function<LmRequest, Mono<LmResponse>>> script = new ConcurrentHashMap<>();
    final List<LmRequest> requests = new CopyOnWriteArrayList<>();
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    ByRollout answer(int rollout, Duration delay, String answer) {
      script.put(
          String.valueOf(rollout),
          r ->
              Mono.delay(delay)
                  .map(x -> LmResponse.of(DummyLM.chatFormat(Map.of("answer", answer)))));
      return this;
    }

    ByRollout never(int rollout) {
      script.put(String.valueOf(rollout), r -> Mono.never());
      return this;
    }

    @Override
    public String model() {
      return "by-rollout";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.defer(
          () -> {
            requests.add(request);
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            String id = request.rolloutId().orElseThrow();
            var terminated = new java.util.concurrent.atomic.AtomicBoolean();
            return script
                .get(id)
                .apply(request)
                .doOnTerminate(
                    () -> {
                      terminated.set(true);
                      inFlight.decrementAndGet();
                    })
                .doOnCancel(
                    () -> {
                      // Reactor passes a cancel up through a source that is completing; that is no
                      // cancellation.
                      if (terminated.get()) return;
                      inFlight.decrementAndGet();
                      cancelled.add(id);
                    });
          });
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return complete(request).flatMapMany(r -> Flux.just(LmChunk.ofText(r.text())));
    }
  }

  @Test
  void concurrentModeReturnsTheFirstAttemptReachingTheThresholdAndCancelsTheOthers() {
    var lm =
        new ByRollout()
            .answer(0, Duration.ofMillis(5), "It is Brussels")
            .answer(1, Duration.ofMillis(10), "Brussels it is")
            .answer(2, Duration.ofMillis(60), "Brussels")
            .never(3)
            .never(4);
    var best =
        BestOfN.of(Predict.of("question -> answer").withLm(lm), 5, ONE_WORD, 1.0)
            .withConcurrency(5);

    StepVerifier.create(best.call(QUESTION))
        .assertNext(p -> assertThat(p.get("answer")).isEqualTo("Brussels"))
        .expectComplete()
        .verify(WAIT);

    assertThat(lm.requests).hasSize(5);
    // The cancel signals reach the losing attempts right after the winner's value: wait for them.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (lm.cancelled.size() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(lm.cancelled)
        .as("the attempts still running were cancelled")
        .containsExactlyInAnyOrder("3", "4");
  }

  @Test
  void concurrentModeRunsAtMostTheConcurrencyAndPicksTheBestWhenNoneReachesTheThreshold() {
    var lm = new ByRollout();
    for (int i = 0; i < 6; i++)
      lm.answer(
          i, Duration.ofMillis(20 - 3 * i), i == 1 || i == 4 ? "two words" : "three words here");
    Reward words = (in, p) -> -p.get("answer").split(" ").length;
    var best =
        BestOfN.of(Predict.of("question -> answer").withLm(lm), 6, words, 0.0).withConcurrency(2);

    Prediction p = best.call(QUESTION).block(WAIT);

    assertThat(p.get("answer")).isEqualTo("two words");
    assertThat(lm.requests).hasSize(6);
    assertThat(lm.maxInFlight.get()).as("bounded").isEqualTo(2);
  }

  @Test
  void sequentialModeStopsAtTheFirstAttemptReachingTheThresholdInRolloutOrder() {
    var lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "It is Brussels"),
                Map.of("answer", "Brussels"),
                Map.of("answer", "Gent")));
    Prediction p =
        BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, ONE_WORD, 1.0)
            .call(QUESTION)
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Brussels");
    assertThat(lm.requests())
        .extracting(r -> r.rolloutId().orElseThrow())
        .containsExactly("0", "1");
  }

  @Test
  void everyAttemptHasItsOwnCacheKeyAndAModulesOwnTemperatureStillWins() {
    var lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "a b"),
                Map.of("answer", "c d"),
                Map.of("answer", "e f"),
                Map.of("answer", "g h")));
    BestOfN.of(Predict.of("question -> answer").withLm(lm), 2, ONE_WORD, 1.0)
        .call(QUESTION)
        .block(WAIT);
    BestOfN.of(Predict.of("question -> answer").withTemperature(0.3).withLm(lm), 2, ONE_WORD, 1.0)
        .withStartRolloutId(7)
        .call(QUESTION)
        .block(WAIT);

    List<LmRequest> requests = lm.requests();
    assertThat(requests)
        .extracting(r -> r.rolloutId().orElseThrow())
        .containsExactly("0", "1", "7", "8");
    assertThat(requests)
        .extracting(r -> r.temperature().getAsDouble())
        .containsExactly(1.0, 1.0, 0.3, 0.3);
    Set<CacheKey> keys =
        requests.stream().map(r -> CacheKey.of(lm.model(), r)).collect(Collectors.toSet());
    assertThat(keys).as("no two attempts share a cache key").hasSize(4);
    // Without the rollout id the first two requests would be the same cache entry.
    assertThat(CacheKey.of(lm.model(), requests.get(0).toBuilder().build()))
        .isNotEqualTo(CacheKey.of(lm.model(), requests.get(1)));
  }

  @Test
  void failuresFollowDspysRuleButTheCounterStartsAgainOnEveryCall() {
    var failing = DummyLM.builder();
    for (int i = 0; i < 6; i++)
      failing.error(new ServerException("boom " + i, 500, null, null, null, null));
    DummyLM lm = failing.build();
    var best = BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, ONE_WORD, 1.0);

    // DSPy: idx 0 (0 > 3? no, 2 left), idx 1 (1 > 2? no, 1 left), idx 2 (2 > 1: raise).
    StepVerifier.create(best.call(QUESTION))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("boom 2"))
        .verify(WAIT);
    // A second call behaves the same (DSPy's instance counter would raise earlier now).
    StepVerifier.create(best.call(QUESTION))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("boom 5"))
        .verify(WAIT);
    assertThat(lm.requests()).hasSize(6);
  }

  @Test
  void whenEveryAttemptFailsWithinTheBudgetTheErrorListsThem() {
    var lm = DummyLM.builder().answer(Map.of("answer", "Brussels")).build();
    Reward broken =
        (in, p) -> {
          throw new IllegalStateException("reward failed");
        };
    StepVerifier.create(
            BestOfN.of(Predict.of("question -> answer").withLm(lm), 1, broken, 1.0).call(QUESTION))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(AttemptsFailedException.class)
                  .hasMessageContaining("reward failed");
              assertThat(e.getSuppressed()).hasSize(1);
            })
        .verify(WAIT);
  }

  @Test
  void aFailedAttemptWithinTheBudgetIsSkipped() {
    var lm =
        DummyLM.builder()
            .error(new ServerException("503", 503, null, null, null, null))
            .answer(Map.of("answer", "Brussels"))
            .build();
    Prediction p =
        BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, ONE_WORD, 1.0)
            .call(QUESTION)
            .block(WAIT);
    assertThat(p.get("answer")).isEqualTo("Brussels");
  }

  @Test
  void streamedAttemptsReportTheirRewardsAsStatusesInsteadOfTheirTextThenDone() {
    var lm = DummyLM.of(List.of(Map.of("answer", "It is Brussels"), Map.of("answer", "Brussels")));
    var best = BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, ONE_WORD, 1.0);

    List<StreamEvent> events = best.stream(QUESTION).collectList().block(WAIT);

    assertThat(events)
        .containsExactly(
            new StreamEvent.Status("BestOfN attempt 1 of 3: reward 0.0"),
            new StreamEvent.Status("BestOfN attempt 2 of 3: reward 1.0, the threshold is reached"),
            new StreamEvent.Done(Prediction.of(Map.of("answer", "Brussels"))));
  }

  @Test
  void insideAStreamedCompositeTheAttemptsStayQuietToo() {
    var lm = DummyLM.of(List.of(Map.of("answer", "Brussels"), Map.of("ok", "Yes")));
    var best = BestOfN.of(Predict.of("question -> answer").withLm(lm), 2, ONE_WORD, 1.0);
    var check = Predict.of("answer -> ok").withLm(lm);
    Module composite =
        in -> best.call(in).flatMap(p -> check.call(Map.of("answer", p.get("answer"))));

    List<StreamEvent> events = composite.stream(QUESTION).collectList().block(WAIT);

    assertThat(events.get(0))
        .isEqualTo(
            new StreamEvent.Status("BestOfN attempt 1 of 2: reward 1.0, the threshold is reached"));
    assertThat(events)
        .filteredOn(e -> e instanceof StreamEvent.FieldChunk)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(((StreamEvent.FieldChunk) e).field()).isEqualTo("ok"));
  }

  @Test
  void badArgumentsAreRejectedAtOnce() {
    Module m = Predict.of("q -> a");
    assertThatThrownBy(() -> BestOfN.of(m, 0, ONE_WORD, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BestOfN.of(m, 2, ONE_WORD, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BestOfN.of(m, 2, ONE_WORD, 1.0).withConcurrency(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Refine.of(m, 0, ONE_WORD, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void severalChoicesAtNoOrLowTemperatureAreSampledAt07AsDspyDoes() {
    var lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "a"),
                Map.of("answer", "b"),
                Map.of("answer", "c"),
                Map.of("answer", "d"),
                Map.of("answer", "e"),
                Map.of("answer", "f"),
                Map.of("answer", "g")));
    var qa = Predict.of("question -> answer").withLm(lm);
    qa.withN(2).call(QUESTION).block(WAIT);
    qa.withN(2).withTemperature(0.1).call(QUESTION).block(WAIT);
    qa.withN(2).withTemperature(0.9).call(QUESTION).block(WAIT);
    qa.call(QUESTION).block(WAIT);

    List<LmRequest> r = lm.requests();
    assertThat(r.get(0).temperature()).hasValue(0.7);
    assertThat(r.get(1).temperature()).hasValue(0.7);
    assertThat(r.get(2).temperature()).hasValue(0.9);
    assertThat(r.get(3).temperature()).isEmpty();
  }

  @Test
  void nChoicesGiveNParsedCompletionsAndMajorityVotesOverThem() {
    var lm =
        DummyLM.of(
            List.of(
                Map.of("answer", "Paris"), Map.of("answer", "London"), Map.of("answer", "paris.")));
    Prediction p = Predict.of("question -> answer").withN(3).withLm(lm).call(QUESTION).block(WAIT);

    assertThat(p.completions())
        .extracting(c -> c.get("answer"))
        .containsExactly("Paris", "London", "paris.");
    assertThat(Majority.majority(p).get("answer")).isEqualTo("Paris");
  }
}
