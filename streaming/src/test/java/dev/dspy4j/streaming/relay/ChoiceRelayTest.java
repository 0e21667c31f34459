package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.test.SseParser;
import dev.dspy4j.test.SseParser.Event;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Chunks of several choices ({@code n > 1}) through the relay: named, never merged across choices.
 */
class ChoiceRelayTest {

  @Test
  void aFieldEventNamesItsChoiceOnlyWhenItIsNotTheFirst() {
    var parsed =
        SseParser.parse(
            SseRelayTest.encodeAll(
                SseRelay.create()
                    .withoutHeartbeat()
                    .encoded(
                        Flux.just(
                            new FieldChunk("answer", "Par", false),
                            new FieldChunk("answer", "Lon", false, "", 1),
                            new FieldChunk("answer", "is", true, "/a", 0),
                            new FieldChunk("answer", "don", true, "/a", 1),
                            new Done(Prediction.of(Map.of("answer", "Paris")))))));

    assertThat(parsed.events())
        .extracting(Event::type)
        .containsExactly("field", "field", "field", "field", "done");
    assertThat(parsed.events().get(0).data())
        .isEqualTo("{\"field\":\"answer\",\"text\":\"Par\",\"last\":false}");
    assertThat(parsed.events().get(1).data())
        .isEqualTo("{\"field\":\"answer\",\"text\":\"Lon\",\"last\":false,\"choice\":1}");
    assertThat(parsed.events().get(3).data())
        .isEqualTo(
            "{\"field\":\"answer\",\"text\":\"don\",\"last\":true,\"path\":\"/a\",\"choice\":1}");
  }

  @Test
  void chunksOfTheSameFieldFromTwoChoicesAreNotMerged() {
    StepVerifier.create(
            Coalescer.coalesce(
                Flux.<StreamEvent>just(
                    new FieldChunk("answer", "a", false, "", 0),
                    new FieldChunk("answer", "b", false, "", 0),
                    new FieldChunk("answer", "x", false, "", 1),
                    new FieldChunk("answer", "y", true, "", 1)),
                Duration.ofDays(1),
                1_000))
        .expectNext(
            new FieldChunk("answer", "ab", false, "", 0),
            new FieldChunk("answer", "xy", true, "", 1))
        .verifyComplete();
  }
}
