package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/**
 * The server's connection drops at every event boundary of a stream (and in the middle of every
 * event), once. Before any text the call is retried and the whole answer arrives exactly once;
 * after text it is a {@link StreamInterruptedException} holding exactly the text delivered; after
 * {@code [DONE]} the answer is complete. A cut after the finish reason but before {@code [DONE]} is
 * an interruption too (its {@code partialText()} then holds the whole text; the usage was lost),
 * not a completion: the client cannot tell what else was lost. Never a duplicated token, never a
 * short answer reported as complete.
 */
class StreamCutTest extends PooledLmTest {

  private static final List<String> TOKENS = List.of("Hel", "lo", ", wor", "ld");
  private static final List<String> EVENTS = events();

  @StartStop private final MockWebServer upstream = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(upstream);
  }

  private static List<String> events() {
    var events = new ArrayList<String>();
    events.add(Sse.roleChunk());
    TOKENS.forEach(t -> events.add(Sse.text(t)));
    events.add(Sse.finish("stop"));
    events.add(Sse.usage(10, 4));
    events.add(Sse.done());
    return events;
  }

  /** Every event boundary (after 0..n events), and the middle of every event. */
  static Stream<Arguments> cutPoints() {
    var points = new ArrayList<Arguments>();
    int offset = 0;
    for (int i = 0; i <= EVENTS.size(); i++) {
      points.add(Arguments.of(offset, "after " + i + " events"));
      if (i < EVENTS.size()) {
        points.add(
            Arguments.of(offset + EVENTS.get(i).length() / 2, "in the middle of event " + (i + 1)));
        offset += EVENTS.get(i).length();
      }
    }
    return points.stream();
  }

  @ParameterizedTest(name = "cut {1} (body byte {0})")
  @MethodSource("cutPoints")
  void aStreamCutAnywhereEndsInTheWholeAnswerOrAnInterruptionWithExactlyTheTextDelivered(
      int cut, String where) throws Exception {
    String body = String.join("", EVENTS);
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(body)
            .build());
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(body)
            .build());

    // What the client has fully received before the cut.
    var delivered = new ArrayList<String>();
    boolean doneReceived = false;
    int end = 0;
    for (int i = 0; i < EVENTS.size(); i++) {
      end += EVENTS.get(i).length();
      if (end > cut) break;
      if (i >= 1 && i <= TOKENS.size()) delivered.add(TOKENS.get(i - 1));
      if (i == EVENTS.size() - 1) doneReceived = true;
    }

    try (FaultProxy proxy =
        FaultProxy.start(upstream.getPort(), FaultProxy.Kind.CUT_AFTER_BODY_BYTES, cut, 1)) {
      LM lm = lm(proxy.apiBase()).numRetries(2).build();
      var verifier = StepVerifier.create(lm.tokens("hi"));
      if (doneReceived) {
        verifier.expectNextSequence(TOKENS).expectComplete().verify(WAIT);
        assertThat(proxy.connectionsAccepted()).as("complete at [DONE]: no retry").isEqualTo(1);
      } else if (delivered.isEmpty()) {
        verifier.expectNextSequence(TOKENS).expectComplete().verify(WAIT);
        assertThat(proxy.connectionsAccepted())
            .as("cut before any text: retried once")
            .isEqualTo(2);
      } else {
        verifier
            .expectNextSequence(delivered)
            .expectErrorSatisfies(
                e -> {
                  assertThat(e).isInstanceOf(StreamInterruptedException.class);
                  assertThat(((StreamInterruptedException) e).partialText())
                      .isEqualTo(String.join("", delivered));
                  assertNoSecret(e);
                })
            .verify(WAIT);
        assertThat(proxy.connectionsAccepted()).as("text was delivered: not retried").isEqualTo(1);
      }
    }
  }
}
