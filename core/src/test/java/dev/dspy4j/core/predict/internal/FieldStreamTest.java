package dev.dspy4j.core.predict.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.core.signature.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class FieldStreamTest {

  private static final Signature SIGNATURE = Signature.parse("question -> answer");

  private static final Signature REASONED = Signature.parse("question -> reasoning, answer");

  /** The last event names the whole response's texts, so tests can check the accumulated answer. */
  private static Flux<StreamEvent> events(
      Flux<LmChunk> answer, Signature signature, Set<String> fields, String path) {
    var adapter = new ChatAdapter();
    return FieldStream.of(
        answer,
        choice -> adapter.fieldSplitter(signature, fields).orElse(null),
        path,
        FieldStreamTest::describe);
  }

  private static StreamEvent describe(LmResponse response) {
    return new Status(
        response.texts()
            + " finish="
            + response.finishReason().orElse("-")
            + " usage="
            + response.usage().totalTokens()
            + " hit="
            + response.cacheHit());
  }

  @Test
  void chunksCarryThePathAndTheirChoiceFromTheStart() {
    var events =
        events(
                Flux.just(
                    LmChunk.of(0, "[[ ## answer ## ]]\nfo", null, null, null),
                    LmChunk.of(2, "[[ ## answer ## ]]\nba", null, null, null),
                    LmChunk.of(0, "ur", null, "stop", null),
                    LmChunk.of(2, "r", null, "length", null),
                    LmChunk.ofUsage(new Usage(3, 4, 7))),
                SIGNATURE,
                Set.of("answer"),
                "/qa")
            .collectList()
            .block();

    assertThat(events)
        .containsExactly(
            new FieldChunk("answer", "fo", false, "/qa", 0),
            new FieldChunk("answer", "ba", false, "/qa", 2),
            new FieldChunk("answer", "ur", false, "/qa", 0),
            new FieldChunk("answer", "r", false, "/qa", 2),
            new FieldChunk("answer", "", true, "/qa", 0),
            new FieldChunk("answer", "", true, "/qa", 2),
            // ChunkAccumulator: a choice that sent nothing is ""
            new Status(
                "[[[ ## answer ## ]]\nfour, , [[ ## answer ## ]]\nbar] finish=stop usage=7"
                    + " hit=false"));
  }

  @Test
  void aCacheReplayYieldsNoChunksButTheWholeAnswer() {
    var events =
        events(
                Flux.just(LmChunk.cacheReplay(0, "[[ ## answer ## ]]\n4", "stop")),
                SIGNATURE,
                Set.of("answer"),
                "")
            .collectList()
            .block();

    assertThat(events)
        .containsExactly(new Status("[[[ ## answer ## ]]\n4] finish=stop usage=0 hit=true"));
  }

  @Test
  void aChoiceWithoutSplitterIsNotStreamedButStillAnswered() {
    FieldSplitter none = null;
    var events =
        FieldStream.of(
                Flux.just(LmChunk.ofText("[[ ## answer ## ]]\n4")),
                choice -> none,
                "",
                FieldStreamTest::describe)
            .collectList()
            .block();

    assertThat(events)
        .containsExactly(new Status("[[[ ## answer ## ]]\n4] finish=- usage=0 hit=false"));
  }

  @Test
  void oneDeltaMayCompleteSeveralChunks() {
    var events =
        events(
                Flux.just(LmChunk.ofText("[[ ## reasoning ## ]]\nR\n[[ ## answer ## ]]\nA")),
                REASONED,
                Set.of("reasoning", "answer"),
                "")
            .collectList()
            .block();

    assertThat(events)
        .startsWith(
            new FieldChunk("reasoning", "R", true),
            new FieldChunk("answer", "A", false),
            new FieldChunk("answer", "", true));
  }

  @Test
  void boundedDemandGetsOneEventPerRequestAndTheLmStreamIsAskedOneChunkAtATime() {
    var requests =
        new AtomicReference<List<Long>>(new java.util.concurrent.CopyOnWriteArrayList<>());
    Flux<LmChunk> answer =
        Flux.just(
                LmChunk.ofText("[[ ## reasoning ## ]]\nR\n[[ ## answer ## ]]\nA"),
                LmChunk.ofText("B"),
                LmChunk.of(0, "", null, "stop", null))
            .doOnRequest(n -> requests.get().add(n));

    StepVerifier.create(events(answer, REASONED, Set.of("reasoning", "answer"), ""), 0)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(10))
        .then(() -> assertThat(requests.get()).as("nothing asked before demand").isEmpty())
        .thenRequest(1)
        .expectNext(new FieldChunk("reasoning", "R", true))
        // the first LM chunk made two field chunks: the second waits, nothing more is asked for
        .then(() -> assertThat(requests.get()).containsExactly(1L))
        .thenRequest(1)
        .expectNext(new FieldChunk("answer", "A", false))
        .thenRequest(1)
        .expectNext(new FieldChunk("answer", "B", false))
        .thenRequest(2)
        .expectNext(new FieldChunk("answer", "", true))
        .expectNextMatches(e -> e instanceof Status s && s.message().contains("finish=stop"))
        .verifyComplete();
    assertThat(requests.get()).allMatch(n -> n == 1L);
  }

  @Test
  void unboundedDemandAsksTheLmStreamForEverythingOnce() {
    var requests = new java.util.concurrent.CopyOnWriteArrayList<Long>();
    Flux<LmChunk> answer =
        Flux.just(LmChunk.ofText("[[ ## answer ## ]]\nA"), LmChunk.ofText("B"))
            .doOnRequest(requests::add);

    var events = events(answer, SIGNATURE, Set.of("answer"), "").collectList().block();

    assertThat(events).hasSize(4);
    assertThat(requests).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void anLmStreamThatEndsBeforeAnyRequestWaitsForDemand() {
    TestPublisher<LmChunk> lm = TestPublisher.create();

    StepVerifier.create(events(lm.flux(), SIGNATURE, Set.of("answer"), ""), 0)
        .expectSubscription()
        .then(lm::complete)
        .expectNoEvent(Duration.ofMillis(10))
        .thenRequest(1)
        .expectNextMatches(e -> e instanceof Status)
        .verifyComplete();
  }

  @Test
  void aFailingLastEventFailsTheStreamAfterTheFieldChunks() {
    var adapter = new ChatAdapter();
    Flux<StreamEvent> events =
        FieldStream.of(
            Flux.just(LmChunk.ofText("[[ ## answer ## ]]\nA")),
            choice -> adapter.fieldSplitter(SIGNATURE, Set.of("answer")).orElse(null),
            "",
            response -> {
              throw new IllegalStateException("cannot parse");
            });

    StepVerifier.create(events)
        .expectNext(new FieldChunk("answer", "A", false), new FieldChunk("answer", "", true))
        .verifyErrorMessage("cannot parse");
    StepVerifier.create(events, 1)
        .expectNext(new FieldChunk("answer", "A", false))
        .thenRequest(5)
        .expectNext(new FieldChunk("answer", "", true))
        .verifyErrorMessage("cannot parse");
  }

  @Test
  void cancellingStopsTheLmStreamAndTheEvents() {
    var cancelled = new AtomicInteger();
    Flux<LmChunk> answer =
        Flux.concat(Flux.just(LmChunk.ofText("[[ ## answer ## ]]\nA")), Flux.<LmChunk>never())
            .doOnCancel(cancelled::incrementAndGet);

    StepVerifier.create(events(answer, SIGNATURE, Set.of("answer"), ""))
        .expectNext(new FieldChunk("answer", "A", false))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertThat(cancelled).hasValue(1);
  }

  @Test
  void boundedDemandFromAnotherThreadLosesNothing() {
    var chunks = new java.util.ArrayList<LmChunk>();
    chunks.add(LmChunk.ofText("[[ ## reasoning ## ]]\n"));
    for (int i = 0; i < 2_000; i++) chunks.add(LmChunk.ofText(i % 7 == 0 ? " a\nb" : " w"));
    chunks.add(LmChunk.ofText("\n[[ ## answer ## ]]\n42"));
    Flux<LmChunk> answer = Flux.fromIterable(chunks).publishOn(Schedulers.parallel(), 4);

    for (int round = 0; round < 20; round++) {
      List<StreamEvent> events =
          events(answer, REASONED, Set.of("reasoning", "answer"), "")
              .limitRate(3)
              .publishOn(Schedulers.single(), 2)
              .collectList()
              .block(Duration.ofSeconds(30));
      var reasoning = new StringBuilder();
      var answerText = new StringBuilder();
      for (StreamEvent e : events) {
        if (e instanceof FieldChunk f && f.field().equals("reasoning")) reasoning.append(f.text());
        if (e instanceof FieldChunk f && f.field().equals("answer")) answerText.append(f.text());
      }
      assertThat(answerText.toString()).isEqualTo("42");
      assertThat(reasoning.toString().replace(" ", "").replace("\n", ""))
          .hasSize(2_000 + 2_000 / 7 + 1);
      assertThat(events.get(events.size() - 1)).isInstanceOf(Status.class);
    }
  }
}
