package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.test.SseParser;
import dev.dspy4j.test.SseParser.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class SseRelayTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String REASONING =
      "The castle is \"Kinnairdy\".\nIt has «five» floors; data: not a field\r\nend";
  static final String ANSWER = "Five — 5 floors 🏰";

  /** A realistic stream: a status, reasoning and answer in small pieces, then Done. */
  static List<StreamEvent> sampleEvents() {
    var events = new ArrayList<StreamEvent>();
    events.add(new Status("Predict starting"));
    addPieces(events, "reasoning", REASONING, 3);
    addPieces(events, "answer", ANSWER, 2);
    events.add(new Done(Prediction.of(Map.of("reasoning", REASONING, "answer", ANSWER))));
    return events;
  }

  static void addPieces(List<StreamEvent> events, String field, String text, int size) {
    for (int i = 0; i < text.length(); i += size) {
      int end = Math.min(text.length(), i + size);
      events.add(new FieldChunk(field, text.substring(i, end), end == text.length()));
    }
  }

  static String concatenated(List<Event> events, String field) {
    return events.stream()
        .filter(e -> e.type().equals("field"))
        .map(e -> json(e.data()))
        .filter(n -> n.get("field").asText().equals(field))
        .map(n -> n.get("text").asText())
        .collect(Collectors.joining());
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static String encodeAll(Flux<String> encoded) {
    return String.join("", encoded.collectList().block(Duration.ofSeconds(10)));
  }

  @Test
  void relayOutputParsesBackWithAStandardSseParser() {
    var events = sampleEvents();
    var parsed = SseParser.parse(encodeAll(SseRelay.create().encoded(Flux.fromIterable(events))));

    assertThat(parsed.events()).hasSize(events.size());
    assertThat(parsed.events().get(0).type()).isEqualTo("status");
    assertThat(json(parsed.events().get(0).data()).get("message").asText())
        .isEqualTo("Predict starting");
    assertThat(concatenated(parsed.events(), "reasoning")).isEqualTo(REASONING);
    assertThat(concatenated(parsed.events(), "answer")).isEqualTo(ANSWER);
    var fieldEvents = parsed.events().subList(1, events.size() - 1);
    assertThat(fieldEvents).allSatisfy(e -> assertThat(e.type()).isEqualTo("field"));
    for (int i = 0; i < fieldEvents.size(); i++) {
      var expected = (FieldChunk) events.get(i + 1);
      var node = json(fieldEvents.get(i).data());
      assertThat(node.get("field").asText()).isEqualTo(expected.field());
      assertThat(node.get("text").asText()).isEqualTo(expected.text());
      assertThat(node.get("last").asBoolean()).isEqualTo(expected.last());
    }
    Event done = parsed.events().get(events.size() - 1);
    assertThat(done.type()).isEqualTo("done");
    assertThat(json(done.data()).get("answer").asText()).isEqualTo(ANSWER);
    assertThat(json(done.data()).get("reasoning").asText()).isEqualTo(REASONING);
    assertThat(parsed.events())
        .extracting(Event::lastEventId)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, events.size())
                .mapToObj(Integer::toString)
                .toList());
  }

  @Test
  void aFieldEventNamesItsSubModulePathOnlyWhenItHasOne() {
    var parsed =
        SseParser.parse(
            encodeAll(
                SseRelay.create()
                    .withoutHeartbeat()
                    .encoded(
                        Flux.just(
                            new FieldChunk("answer", "Par", false),
                            new FieldChunk("answer", "is", true, "/chat/answer"),
                            new Done(Prediction.of(Map.of("answer", "Paris")))))));

    assertThat(parsed.events()).extracting(Event::type).containsExactly("field", "field", "done");
    assertThat(parsed.events().get(0).data())
        .isEqualTo("{\"field\":\"answer\",\"text\":\"Par\",\"last\":false}");
    assertThat(parsed.events().get(1).data())
        .isEqualTo(
            "{\"field\":\"answer\",\"text\":\"is\",\"last\":true,\"path\":\"/chat/answer\"}");
  }

  @Test
  void doneCarriesNonTextFieldValuesAsJson() {
    var fields = new LinkedHashMap<String, Object>();
    fields.put("answer", "yes");
    fields.put("confidence", 0.75);
    fields.put("sources", List.of("a", "b"));
    var parsed =
        SseParser.parse(
            encodeAll(SseRelay.create().encoded(Flux.just(new Done(Prediction.of(fields))))));
    assertThat(parsed.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("done");
              assertThat(e.data())
                  .isEqualTo("{\"answer\":\"yes\",\"confidence\":0.75,\"sources\":[\"a\",\"b\"]}");
            });
  }

  @Test
  void anUpstreamErrorBecomesAnErrorEventWithoutSecrets() {
    Flux<StreamEvent> failing =
        Flux.<StreamEvent>just(new FieldChunk("answer", "Par", false))
            .concatWith(
                Mono.error(
                    new IllegalStateException(
                        "gateway said 401 for Authorization: Bearer sk-helicone-abc123XYZ (api_key=sk-secret-999)")));

    var parsed = SseParser.parse(encodeAll(SseRelay.create().encoded(failing)));

    assertThat(parsed.events()).extracting(Event::type).containsExactly("field", "error");
    var error = json(parsed.events().get(1).data());
    assertThat(error.get("type").asText()).isEqualTo("IllegalStateException");
    assertThat(error.get("message").asText())
        .contains("gateway said 401")
        .doesNotContain("abc123XYZ")
        .doesNotContain("secret-999");
  }

  @Test
  void aStreamEndingWithoutDoneEndsWithAnErrorEvent() {
    var parsed =
        SseParser.parse(
            encodeAll(
                SseRelay.create().encoded(Flux.just(new FieldChunk("answer", "Par", false)))));
    assertThat(parsed.events()).extracting(Event::type).containsExactly("field", "error");
    assertThat(json(parsed.events().get(1).data()).get("type").asText())
        .isEqualTo("IncompleteStream");
  }

  @Test
  void aPredictionThatIsNotJsonBecomesAnErrorEvent() {
    var done = new Done(Prediction.of(Map.of("answer", new Object())));
    var parsed = SseParser.parse(encodeAll(SseRelay.create().encoded(Flux.just(done))));
    assertThat(parsed.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("error");
              assertThat(json(e.data()).get("message").asText())
                  .contains("cannot write a stream event as JSON");
            });
  }

  @Test
  void heartbeatsAppearOnlyWhileIdle() {
    var relay = SseRelay.create().withHeartbeat(Duration.ofSeconds(10));
    StepVerifier.withVirtualTime(
            () ->
                relay.frames(
                    Flux.concat(
                        Mono.just(new FieldChunk("answer", "a", false)),
                        Mono.delay(Duration.ofSeconds(25))
                            .map(i -> new FieldChunk("answer", "b", true)),
                        Mono.delay(Duration.ofSeconds(7))
                            .map(i -> new Done(Prediction.of(Map.of("answer", "ab")))))))
        .expectSubscription()
        .assertNext(f -> assertThat(f.event()).isEqualTo("field"))
        .expectNoEvent(Duration.ofSeconds(10))
        .expectNext(SseFrame.KEEP_ALIVE)
        .expectNoEvent(Duration.ofSeconds(10))
        .expectNext(SseFrame.KEEP_ALIVE)
        .expectNoEvent(Duration.ofSeconds(5))
        .assertNext(f -> assertThat(f.event()).isEqualTo("field"))
        // the new chunk restarted the idle timer: nothing until Done 7 s later
        .expectNoEvent(Duration.ofSeconds(7))
        .assertNext(f -> assertThat(f.event()).isEqualTo("done"))
        .verifyComplete();
  }

  @Test
  void heartbeatsKeepTheConnectionAliveBeforeTheFirstEvent() {
    var relay = SseRelay.create().withHeartbeat(Duration.ofSeconds(15));
    StepVerifier.withVirtualTime(
            () ->
                relay.frames(
                    Mono.delay(Duration.ofSeconds(50))
                        .map(i -> new Done(Prediction.of(Map.of("answer", "x"))))))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(15))
        .expectNext(SseFrame.KEEP_ALIVE)
        .expectNoEvent(Duration.ofSeconds(15))
        .expectNext(SseFrame.KEEP_ALIVE)
        .expectNoEvent(Duration.ofSeconds(15))
        .expectNext(SseFrame.KEEP_ALIVE)
        .expectNoEvent(Duration.ofSeconds(5))
        .assertNext(f -> assertThat(f.event()).isEqualTo("done"))
        .verifyComplete();
  }

  @Test
  void withoutHeartbeatAnIdleStreamStaysSilent() {
    var relay = SseRelay.create().withoutHeartbeat();
    StepVerifier.withVirtualTime(
            () ->
                relay.frames(
                    Mono.delay(Duration.ofMinutes(5))
                        .map(i -> new Done(Prediction.of(Map.of("answer", "x"))))))
        .expectSubscription()
        .expectNoEvent(Duration.ofMinutes(5))
        .assertNext(f -> assertThat(f.event()).isEqualTo("done"))
        .verifyComplete();
  }

  @Test
  void cancellingTheFramesCancelsTheUpstream() throws InterruptedException {
    // The cancel may reach the source on the timer thread that is draining the shared frames at
    // that
    // moment (publish/merge pass a cancel to the thread in their drain loop), so it is awaited.
    var cancelled = new CountDownLatch(1);
    Flux<StreamEvent> endless =
        Flux.interval(Duration.ofMillis(5))
            .map(i -> (StreamEvent) new FieldChunk("answer", "x", false))
            .doOnCancel(cancelled::countDown);
    var relay =
        SseRelay.create()
            .withHeartbeat(Duration.ofSeconds(1))
            .withCoalescing(Duration.ofMillis(20), 8);

    StepVerifier.create(relay.frames(endless))
        .assertNext(f -> assertThat(f.event()).isEqualTo("field"))
        .thenCancel()
        .verify(Duration.ofSeconds(10));

    assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the upstream was cancelled").isTrue();
  }

  @Test
  void invalidConfigurationIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> SseRelay.create().withHeartbeat(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heartbeat interval must be positive");
    assertThatThrownBy(() -> SseRelay.create().withCoalescing(Duration.ofMillis(50), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxChars must be at least 1");
  }
}
