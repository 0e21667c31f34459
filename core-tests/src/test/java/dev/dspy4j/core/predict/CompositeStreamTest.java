package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A composite module's stream: the running sub-module's chunks, tagged with its path, then one
 * Done.
 */
class CompositeStreamTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, Object> QUESTION = Map.of("question", "Can I get a refund?");

  /** Rewrites the question into a query, then answers with reasoning. */
  static final class SupportBot implements Module {
    final Predict retrieve;
    final ChainOfThought answer;

    SupportBot(LanguageModel lm) {
      this.retrieve = Predict.of("question -> query").withLm(lm).withSessionPath("retrieve");
      this.answer =
          ChainOfThought.of("query, question -> answer").withLm(lm).withSessionPath("answer");
    }

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return retrieve
          .call(inputs)
          .flatMap(
              r ->
                  answer.call(Map.of("query", r.get("query"), "question", inputs.get("question"))));
    }
  }

  private static DummyLM.Builder script() {
    return DummyLM.builder()
        .answer(Map.of("query", "refund policy"))
        .answer(
            ordered(
                "reasoning",
                "The policy allows\nrefunds for 30 days.",
                "answer",
                "Yes, within 30 days."))
        .tokenSize(3);
  }

  private static Map<String, Object> ordered(Object... kv) {
    var m = new LinkedHashMap<String, Object>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static Map<String, String> joinedByPathAndField(List<StreamEvent> events) {
    var out = new LinkedHashMap<String, String>();
    for (StreamEvent e : events) {
      if (e instanceof FieldChunk c)
        out.merge(c.path() + ":" + c.field(), c.text(), String::concat);
    }
    return out;
  }

  @Test
  void streamsTheRunningSubModulesChunksTaggedWithItsPathThenOneDoneEqualToCall() {
    var streamLm = script().build();
    List<StreamEvent> events =
        new SupportBot(streamLm).stream(QUESTION).collectList().block(TIMEOUT);
    Prediction called = new SupportBot(script().build()).call(QUESTION).block(TIMEOUT);

    assertThat(events).last().isEqualTo(new Done(called));
    assertThat(events).filteredOn(e -> e instanceof Done).hasSize(1);
    assertThat(joinedByPathAndField(events))
        .containsExactly(
            Map.entry("/retrieve:query", "refund policy"),
            Map.entry("/answer:reasoning", "The policy allows\nrefunds for 30 days."),
            Map.entry("/answer:answer", "Yes, within 30 days."));
    var chunks =
        events.stream().filter(e -> e instanceof FieldChunk).map(e -> (FieldChunk) e).toList();
    assertThat(chunks.size()).as("token-sized chunks, not one per field").isGreaterThan(10);
    assertThat(chunks)
        .filteredOn(FieldChunk::last)
        .extracting(c -> c.path() + ":" + c.field())
        .containsExactly("/retrieve:query", "/answer:reasoning", "/answer:answer");
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.text()).doesNotContain("[[").doesNotContain("##"));
    assertThat(streamLm.requests()).hasSize(2);
  }

  @Test
  void subModulesWithoutASegmentStreamWithAnEmptyPathAndNestedSegmentsAccumulate() {
    var lm = script().build();
    Module plain =
        inputs ->
            Predict.of("question -> query")
                .withLm(lm)
                .call(inputs)
                .flatMap(
                    r ->
                        ChainOfThought.of("query, question -> answer")
                            .withLm(lm)
                            .call(
                                Map.of(
                                    "query", r.get("query"), "question", inputs.get("question"))));
    List<StreamEvent> plainEvents = plain.stream(QUESTION).collectList().block(TIMEOUT);
    assertThat(joinedByPathAndField(plainEvents).keySet())
        .containsExactly(":query", ":reasoning", ":answer");

    List<StreamEvent> nested =
        new SupportBot(script().build())
            .withSessionPath("chat").stream(QUESTION).collectList().block(TIMEOUT);
    assertThat(joinedByPathAndField(nested).keySet())
        .containsExactly("/chat/retrieve:query", "/chat/answer:reasoning", "/chat/answer:answer");
    assertThat(nested).last().isInstanceOf(Done.class);
  }

  @Test
  void subModulesSeeTheSubscribersContext() {
    var lm = script().build();
    var retrieve = Predict.of("question -> query").withSessionPath("retrieve");
    var answer = ChainOfThought.of("query, question -> answer").withSessionPath("answer");
    Module bot =
        inputs ->
            retrieve
                .call(inputs)
                .flatMap(
                    r ->
                        answer.call(
                            Map.of("query", r.get("query"), "question", inputs.get("question"))));

    List<StreamEvent> events =
        bot.stream(QUESTION)
            .contextWrite(dev.dspy4j.core.Dspy.withLm(lm))
            .collectList()
            .block(TIMEOUT);

    assertThat(joinedByPathAndField(events))
        .containsEntry("/answer:answer", "Yes, within 30 days.");
    assertThat(lm.requests()).hasSize(2);
  }

  @Test
  void aFailingSubModuleFailsTheStreamAfterTheEarlierChunksWithTheSameErrorAsCall() {
    var boom = new ServerException("HTTP 500 from the provider", 500, null, null, null, null);
    var lm =
        DummyLM.builder().answer(Map.of("query", "refund policy")).error(boom).tokenSize(4).build();

    StepVerifier.create(new SupportBot(lm).stream(QUESTION))
        .thenConsumeWhile(e -> e instanceof FieldChunk c && c.path().equals("/retrieve"))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom))
        .verify(TIMEOUT);
  }

  @Test
  void aSubModulesJsonFallbackIsAnnouncedInTheCompositeStream() {
    var lm =
        DummyLM.builder()
            .answer(Map.of("query", "refund policy"))
            .text("I think the answer is yes.")
            .json(ordered("reasoning", "Policy.", "answer", "Yes"))
            .build();

    List<StreamEvent> events = new SupportBot(lm).stream(QUESTION).collectList().block(TIMEOUT);

    assertThat(events)
        .filteredOn(e -> e instanceof Status)
        .singleElement()
        .satisfies(s -> assertThat(((Status) s).message()).contains("JSON"));
    assertThat(joinedByPathAndField(events)).containsEntry("/answer:answer", "Yes");
    assertThat(((Done) events.get(events.size() - 1)).prediction().get("answer")).isEqualTo("Yes");
  }

  @Test
  void aCacheHitOfASubModuleEmitsNoChunks() {
    var lm = script().cacheHit(true).build();
    List<StreamEvent> events = new SupportBot(lm).stream(QUESTION).collectList().block(TIMEOUT);
    assertThat(events).singleElement().isInstanceOf(Done.class);
    assertThat(((Done) events.get(0)).prediction().get("answer")).isEqualTo("Yes, within 30 days.");
  }

  @Test
  void cancellingTheCompositeStreamCancelsTheRunningSubModulesLmStream() {
    // A long query in one-character tokens: more than any prefetch, so the LM stream is still
    // running.
    var lm =
        DummyLM.builder()
            .answer(Map.of("query", "refund policy ".repeat(200)))
            .answer(Map.of("reasoning", "r", "answer", "a"))
            .tokenSize(1)
            .build();
    StepVerifier.create(new SupportBot(lm).stream(QUESTION), 1)
        .expectNextMatches(e -> e instanceof FieldChunk c && c.path().equals("/retrieve"))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(lm.cancellations()).isEqualTo(1);
    assertThat(lm.requests()).as("the second sub-module never started").hasSize(1);
  }

  /** An LM streaming a long answer token by token, counting the tokens it was asked for. */
  static final class LongAnswerLm implements LanguageModel {
    final AtomicInteger emitted = new AtomicInteger();

    @Override
    public String model() {
      return "long";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.error(new UnsupportedOperationException("stream only"));
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.just("[[ ## answer ## ]]\n")
          .concatWith(Flux.range(0, 5_000).map(i -> "w" + i + " "))
          .concatWithValues("\n\n[[ ## completed ## ]]")
          .map(LmChunk::ofText)
          .doOnNext(c -> emitted.incrementAndGet());
    }
  }

  @Test
  void aSlowSubscriberHoldsBackTheSubModulesLmStream() throws InterruptedException {
    var lm = new LongAnswerLm();
    Module composite =
        inputs ->
            Predict.of("question -> answer").withLm(lm).withSessionPath("answer").call(inputs);

    StepVerifier.create(composite.stream(QUESTION), 1)
        .expectNextMatches(e -> e instanceof FieldChunk c && c.path().equals("/answer"))
        .then(
            () -> {
              try {
                Thread.sleep(200); // time enough to run ahead, were demand not respected
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              assertThat(lm.emitted.get())
                  .as("LM chunks produced for one requested event")
                  .isLessThan(600);
            })
        .thenRequest(Long.MAX_VALUE)
        .thenConsumeWhile(e -> e instanceof FieldChunk)
        .expectNextMatches(
            e -> e instanceof Done d && d.prediction().get("answer").startsWith("w0 w1 "))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(lm.emitted.get()).isEqualTo(5_002);
  }

  @Test
  void concurrentSubCallsInterleaveButEachKeepsItsPathAndText() {
    var lm =
        DummyLM.builder()
            .when("Q-left", Map.of("answer", "left answer text"))
            .when("Q-right", Map.of("answer", "right answer text"))
            .tokenSize(2)
            .build();
    var qa = Predict.of("question -> answer").withLm(lm);
    Module both =
        inputs ->
            Mono.zip(
                    qa.withSessionPath("left").call(Map.of("question", "Q-left")),
                    qa.withSessionPath("right").call(Map.of("question", "Q-right")))
                .map(
                    t ->
                        Prediction.of(
                            Map.of(
                                "answer",
                                t.getT1().get("answer") + " | " + t.getT2().get("answer"))));

    List<StreamEvent> events = both.stream(QUESTION).collectList().block(TIMEOUT);

    assertThat(joinedByPathAndField(events))
        .containsOnly(
            Map.entry("/left:answer", "left answer text"),
            Map.entry("/right:answer", "right answer text"));
    assertThat(events)
        .last()
        .isEqualTo(
            new Done(Prediction.of(Map.of("answer", "left answer text | right answer text"))));
  }
}
