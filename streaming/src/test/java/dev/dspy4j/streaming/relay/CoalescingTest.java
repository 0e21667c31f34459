package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.test.SseParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class CoalescingTest {

  private static final Duration NEVER = Duration.ofHours(1);

  @Test
  void mergesRunsOfOneFieldAndPreservesTheTextExactly() {
    var random = new Random(42);
    for (int round = 0; round < 200; round++) {
      var input = randomStream(random);
      int maxChars = 1 + random.nextInt(40);
      List<StreamEvent> output =
          Coalescer.coalesce(Flux.fromIterable(input), NEVER, maxChars)
              .collectList()
              .block(Duration.ofSeconds(10));

      assertThat(characterTrail(output)).as("round %d", round).isEqualTo(characterTrail(input));
      assertThat(nonChunks(output)).isEqualTo(nonChunks(input));
      assertThat(lastMarkers(output)).isEqualTo(lastMarkers(input));
      assertThat(output.size()).isLessThanOrEqualTo(input.size());
      for (StreamEvent e : output) {
        if (e instanceof FieldChunk c && !c.last()) {
          assertThat(c.text()).isNotEmpty();
        }
      }
    }
  }

  @Test
  void manySmallTokensBecomeFewFramesOfAtMostTheLimit() {
    var tokens = new ArrayList<StreamEvent>();
    for (int i = 0; i < 100; i++) {
      tokens.add(new FieldChunk("answer", "ab", false));
    }
    tokens.add(new FieldChunk("answer", "", true));
    tokens.add(new Done(Prediction.of(Map.of("answer", "ab".repeat(100)))));

    List<StreamEvent> output =
        Coalescer.coalesce(Flux.fromIterable(tokens), NEVER, 20)
            .collectList()
            .block(Duration.ofSeconds(10));

    // 200 characters in 20-character frames, then the (empty) last chunk, then Done
    assertThat(output).hasSize(12);
    assertThat(output.subList(0, 10))
        .allSatisfy(e -> assertThat(((FieldChunk) e).text()).isEqualTo("ab".repeat(10)));
    assertThat(output.get(10)).isEqualTo(new FieldChunk("answer", "", true));
    assertThat(output.get(11)).isInstanceOf(Done.class);
  }

  @Test
  void heldTextIsFlushedEveryIntervalWhenTokensTrickle() {
    StepVerifier.withVirtualTime(
            () ->
                Coalescer.coalesce(
                    Flux.interval(Duration.ofMillis(10))
                        .take(100)
                        .map(i -> (StreamEvent) new FieldChunk("answer", "x", false)),
                    Duration.ofMillis(100),
                    1_000))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .recordWith(ArrayList::new)
        .thenConsumeWhile(e -> true)
        .consumeRecordedWith(
            frames -> {
              assertThat(frames).hasSizeBetween(9, 11);
              assertThat(
                      frames.stream().map(e -> ((FieldChunk) e).text()).reduce("", String::concat))
                  .isEqualTo("x".repeat(100));
            })
        .verifyComplete();
  }

  @Test
  void lastChunksStatusAndDoneAreSentAtOnceAfterTheHeldText() {
    StepVerifier.withVirtualTime(
            () ->
                Coalescer.coalesce(
                    Flux.concat(
                        Mono.just(new FieldChunk("answer", "a", false)),
                        Mono.delay(Duration.ofSeconds(1))
                            .map(i -> new FieldChunk("answer", "b", false)),
                        Mono.delay(Duration.ofSeconds(1))
                            .map(i -> new FieldChunk("answer", "c", true)),
                        Mono.delay(Duration.ofSeconds(1))
                            .map(i -> new FieldChunk("note", "n", false)),
                        Mono.delay(Duration.ofSeconds(1)).map(i -> new Status("still working")),
                        Mono.delay(Duration.ofSeconds(1))
                            .map(
                                i ->
                                    new Done(Prediction.of(Map.of("answer", "abc", "note", "n"))))),
                    NEVER,
                    1_000))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(2))
        .expectNext(new FieldChunk("answer", "abc", true))
        .expectNoEvent(Duration.ofSeconds(2))
        .expectNext(new FieldChunk("note", "n", false), new Status("still working"))
        .expectNoEvent(Duration.ofSeconds(1))
        .expectNext(new Done(Prediction.of(Map.of("answer", "abc", "note", "n"))))
        .verifyComplete();
  }

  @Test
  void chunksOfTheSameFieldFromTwoSubModulesAreNotMerged() {
    StepVerifier.create(
            Coalescer.coalesce(
                Flux.<StreamEvent>just(
                    new FieldChunk("answer", "a", false, "/draft"),
                    new FieldChunk("answer", "b", false, "/draft"),
                    new FieldChunk("answer", "c", false, "/final"),
                    new FieldChunk("answer", "d", true, "/final")),
                NEVER,
                1_000))
        .expectNext(
            new FieldChunk("answer", "ab", false, "/draft"),
            new FieldChunk("answer", "cd", true, "/final"))
        .verifyComplete();
  }

  @Test
  void heldTextIsSentBeforeAnUpstreamError() {
    var boom = new IllegalStateException("connection reset");
    StepVerifier.create(
            Coalescer.coalesce(
                Flux.<StreamEvent>just(
                        new FieldChunk("answer", "a", false), new FieldChunk("answer", "b", false))
                    .concatWith(Mono.error(boom)),
                NEVER,
                1_000))
        .expectNext(new FieldChunk("answer", "ab", false))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void theRelayAppliesCoalescingToItsFrames() {
    var events = SseRelayTest.sampleEvents();
    var relay = SseRelay.create().withCoalescing(NEVER, 1_000);
    var parsed = SseParser.parse(SseRelayTest.encodeAll(relay.encoded(Flux.fromIterable(events))));
    // status, one reasoning frame, one answer frame, done
    assertThat(parsed.events())
        .extracting(SseParser.Event::type)
        .containsExactly("status", "field", "field", "done");
    assertThat(SseRelayTest.concatenated(parsed.events(), "reasoning"))
        .isEqualTo(SseRelayTest.REASONING);
    assertThat(SseRelayTest.concatenated(parsed.events(), "answer")).isEqualTo(SseRelayTest.ANSWER);
  }

  private static List<StreamEvent> randomStream(Random random) {
    String[] fields = {"reasoning", "answer", "notes"};
    String alphabet = "ab c\n\"«»🏰[]#";
    var events = new ArrayList<StreamEvent>();
    int n = random.nextInt(60);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        events.add(new Status("status " + i));
      } else {
        var text = new StringBuilder();
        int len = random.nextInt(6);
        for (int k = 0; k < len; k++) {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        events.add(
            new FieldChunk(
                fields[random.nextInt(fields.length)], text.toString(), random.nextInt(6) == 0));
      }
    }
    events.add(new Done(Prediction.of(Map.of("answer", "done"))));
    return events;
  }

  /** (field, character) pairs in stream order: what a UI shows, independent of chunking. */
  private static List<String> characterTrail(List<StreamEvent> events) {
    var trail = new ArrayList<String>();
    for (StreamEvent e : events) {
      if (e instanceof FieldChunk c) {
        c.text().chars().forEach(ch -> trail.add(c.field() + ":" + (char) ch));
      } else {
        trail.add("|" + e);
      }
    }
    return trail;
  }

  private static List<StreamEvent> nonChunks(List<StreamEvent> events) {
    return events.stream().filter(e -> !(e instanceof FieldChunk)).toList();
  }

  /** For each last chunk: the field and how many characters of the stream came before it ended. */
  private static List<String> lastMarkers(List<StreamEvent> events) {
    var markers = new ArrayList<String>();
    int chars = 0;
    for (StreamEvent e : events) {
      if (e instanceof FieldChunk c) {
        chars += c.text().length();
        if (c.last()) {
          markers.add(c.field() + "@" + chars);
        }
      }
    }
    return markers;
  }
}
