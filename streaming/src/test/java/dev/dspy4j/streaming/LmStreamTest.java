package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LmStreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private void enqueueSse(String body) {
    server.enqueue(sse(body).build());
  }

  private static MockResponse.Builder sse(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .addHeader("Helicone-Request-Id", "req-42")
        .body(body);
  }

  @Test
  void streamEmitsChunksInOrderThenTheUsageChunk() throws Exception {
    enqueueSse(Sse.stream("Hel", "lo"));
    LM lm = TestLms.builder(server).build();

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("Hel"), LmChunk.ofText("lo"))
        .assertNext(c -> assertThat(c.finishReason()).contains("stop"))
        .assertNext(c -> assertThat(c.usage()).contains(new Usage(10, 2, 12)))
        .expectComplete()
        .verify(WAIT);

    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    JsonNode body = new ObjectMapper().readTree(r.getBody().utf8());
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(r.getHeaders().get("Accept")).isEqualTo("text/event-stream");
  }

  @Test
  void tokensEmitsTheTextDeltasOfChoiceZero() {
    enqueueSse(
        Sse.roleChunk()
            + Sse.text("A")
            + Sse.text(1, "other choice")
            + Sse.text("B")
            + Sse.finish("stop")
            + Sse.usage(1, 2)
            + Sse.done());
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("A", "B")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aMultiByteCharacterSplitAcrossPacketsArrivesWhole() {
    // One byte per write: every multi-byte character is split across TCP packets.
    server.enqueue(
        sse(Sse.stream("h\u00e9", "llo \ud83d\ude00", " \u20ac\u4e16\u754c"))
            .throttleBody(1, 2, TimeUnit.MILLISECONDS)
            .build());
    StepVerifier.create(TestLms.builder(server).build().tokens("hi").reduce(String::concat))
        .expectNext("h\u00e9llo \ud83d\ude00 \u20ac\u4e16\u754c")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aDribbledStreamIntoASlowSubscriberArrivesCompleteAndInOrder() {
    String[] tokens = new String[40];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = "w" + i + "\u00e9 ";
    }
    server.enqueue(sse(Sse.stream(tokens)).throttleBody(7, 1, TimeUnit.MILLISECONDS).build());
    StepVerifier.create(
            TestLms.builder(server)
                .build()
                .tokens("hi")
                .limitRate(1)
                .delayElements(Duration.ofMillis(3))
                .reduce(String::concat))
        .expectNext(String.join("", tokens))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void crLfLineEndsCommentsAndEventFieldsAreUnderstood() {
    String body =
        (": keep-alive\n\nevent: message\nid: 1\nretry: 100\n"
                + Sse.text("x")
                + Sse.finish("stop")
                + Sse.done())
            .replace("\n", "\r\n");
    enqueueSse(body);
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("x")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aStreamWithoutDoneCompletesWhenAFinishReasonArrived() {
    enqueueSse(Sse.text("done") + Sse.finish("length"));
    StepVerifier.create(TestLms.builder(server).build().stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("done"))
        .assertNext(c -> assertThat(c.finishReason()).contains("length"))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aStreamCutShortAfterTextIsInterruptedWithThePartialTextAndNotRetried() {
    enqueueSse(Sse.roleChunk() + Sse.text("Hel") + Sse.text("lo"));
    enqueueSse(Sse.stream("must not be requested"));
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("Hel", "lo")
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(StreamInterruptedException.class)
                  .hasMessageContaining("without [DONE]");
              assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("Hello");
              assertThat(((StreamInterruptedException) e).requestId()).contains("req-42");
            })
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void anErrorEventAfterTextIsAnInterruptionCarryingTheServerError() {
    enqueueSse(Sse.text("part") + Sse.event("{\"error\":{\"message\":\"provider crashed\"}}"));
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("part")
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(StreamInterruptedException.class)
                  .hasMessageContaining("provider crashed");
              assertThat(e.getCause()).isInstanceOf(ServerException.class);
              assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("part");
            })
        .verify(WAIT);
  }

  @Test
  void anErrorEventBeforeAnyTextIsAServerError() {
    enqueueSse(Sse.roleChunk() + Sse.event("{\"error\":\"upstream timeout\"}"));
    StepVerifier.create(TestLms.builder(server).numRetries(0).build().tokens("hi"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ServerException.class)
                    .hasMessageContaining("upstream timeout"))
        .verify(WAIT);
  }

  @Test
  void aStreamRetriedAfterACutBeforeAnyTextDeliversNothingTwice() {
    enqueueSse(Sse.roleChunk()); // cut after the role-only chunk
    enqueueSse(Sse.stream("once"));
    StepVerifier.create(TestLms.builder(server).build().stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("once"))
        .assertNext(c -> assertThat(c.finishReason()).contains("stop"))
        .assertNext(c -> assertThat(c.usage()).isPresent())
        .expectComplete()
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void reasoningDeliveredBeforeAFailureIsNotRetriedEither() {
    enqueueSse(
        Sse.event("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"Let me think\"}}]}"));
    enqueueSse(Sse.stream("must not be requested"));
    StepVerifier.create(TestLms.builder(server).build().stream(LmRequest.ofUser("hi")))
        .assertNext(c -> assertThat(c.reasoning()).contains("Let me think"))
        .expectError(StreamInterruptedException.class)
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aStreamFailingBeforeAnyTextIsRetried() {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    enqueueSse(Sse.roleChunk()); // cut: no text, no [DONE]
    enqueueSse(Sse.stream("third ", "time"));
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("third ", "time")
        .expectComplete()
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void aServerThatIgnoresStreamAndAnswersJsonStillStreams() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("whole answer"))
            .build());
    StepVerifier.create(TestLms.builder(server).build().stream(LmRequest.ofUser("hi")))
        .assertNext(
            c -> {
              assertThat(c.text()).isEqualTo("whole answer");
              assertThat(c.finishReason()).contains("stop");
            })
        .assertNext(c -> assertThat(c.usage()).contains(new Usage(7, 3, 10)))
        .expectComplete()
        .verify(WAIT);
  }
}
