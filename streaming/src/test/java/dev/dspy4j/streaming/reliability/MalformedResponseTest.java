package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.ResponseTooLargeException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * A 200 whose body is not what was asked for: a typed error or the correct answer, never a hang or
 * a duplicate.
 */
class MalformedResponseTest extends PooledLmTest {

  private static final String HTML =
      "<html><head><title>502 Bad Gateway</title></head>"
          + "<body><h1>Bad Gateway</h1><p>The proxy could not reach the upstream server.</p></body></html>\n";

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(server);
  }

  private LM.Builder lm() {
    return lm(server.url("/v1").toString());
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  @Test
  void anHtmlProxyPageWithStatus200IsAServerErrorForACompleteCall() {
    server.enqueue(
        new MockResponse.Builder().addHeader("Content-Type", "text/html").body(HTML).build());

    StepVerifier.create(lm().build().complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(ServerException.class)
                  .hasMessageContaining("text/html")
                  .hasMessageContaining("Bad Gateway");
              assertNoSecret(e);
            })
        .verify(WAIT);
  }

  @Test
  void anHtmlProxyPageWithStatus200IsAServerErrorForAStreamNamingTheContentType() {
    server.enqueue(
        new MockResponse.Builder().addHeader("Content-Type", "text/html").body(HTML).build());

    StepVerifier.create(lm().build().tokens("hi"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(ServerException.class)
                  .hasMessageContaining("text/html")
                  .hasMessageContaining("Bad Gateway");
              assertNoSecret(e);
            })
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aJsonCompletionAnsweringAStreamRequestIsDeliveredAsChunks() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json; charset=utf-8")
            .body(Sse.completion("the whole answer"))
            .build());

    StepVerifier.create(lm().build().stream(LmRequest.ofUser("hi")))
        .assertNext(
            c -> {
              assertThat(c.text()).isEqualTo("the whole answer");
              assertThat(c.finishReason()).contains("stop");
            })
        .assertNext(c -> assertThat(c.usage()).isPresent())
        .expectComplete()
        .verify(WAIT);
  }

  private static Buffer gzip(String text) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return new Buffer().write(bytes.toByteArray());
  }

  @Test
  void aGzipEncodedStreamThatWasNotAskedForIsAClearErrorNotGarbage() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .addHeader("Content-Encoding", "gzip")
            .body(gzip(Sse.stream("zipped")))
            .build());

    StepVerifier.create(lm().build().tokens("hi"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(ServerException.class)
                  .hasMessageContaining("Content-Encoding gzip")
                  .hasMessageContaining("compress(true)");
              assertNoSecret(e);
            })
        .verify(WAIT);
    assertThat(server.takeRequest().getHeaders().get("Accept-Encoding"))
        .as("the LM asks for no encoding")
        .isNull();
  }

  @Test
  void aGzipEncodedStreamIsDecodedWhenTheClientOptsInToCompression() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .addHeader("Content-Encoding", "gzip")
            .body(gzip(Sse.stream("zip", "ped")))
            .build());
    LM lm = lm().httpClient(pool.httpClient().compress(true)).build();

    StepVerifier.create(lm.tokens("hi")).expectNext("zip", "ped").expectComplete().verify(WAIT);
    assertThat(server.takeRequest().getHeaders().get("Accept-Encoding")).contains("gzip");
  }

  @Test
  void aBodyLargerThanTheLimitIsRefused() {
    server.enqueue(new MockResponse.Builder().body(Sse.completion("x".repeat(64 * 1024))).build());
    server.enqueue(sse(Sse.text("y".repeat(64 * 1024)) + Sse.done()));
    LM lm = lm().maxResponseBytes(16 * 1024).maxLineBytes(16 * 1024).numRetries(2).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseTooLargeException.class)
                    .hasMessageContaining("16384"))
        .verify(WAIT);
    StepVerifier.create(lm.tokens("hi"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseTooLargeException.class)
                    .hasMessageContaining("16384"))
        .verify(WAIT);
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(2);
  }

  @Test
  void dataAfterDoneIsIgnoredAndTheAnswerArrivesOnce() {
    server.enqueue(
        sse(
            Sse.stream("once")
                + Sse.text("again")
                + "data: not json at all\n\n"
                + Sse.finish("length")));

    StepVerifier.create(
            lm().build().stream(LmRequest.ofUser("hi"))
                .map(LmChunk::text)
                .filter(t -> !t.isEmpty()))
        .expectNext("once")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void twoDonesCompleteOnce() {
    server.enqueue(sse(Sse.stream("one", " two") + Sse.done()));

    StepVerifier.create(lm().build().tokens("hi"))
        .expectNext("one", " two")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aServerThatKeepsSendingAfterDoneIsNotWaitedForAndTheExchangeIsClosed() throws Exception {
    try (LoopbackServer endless =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "text/event-stream")
                            .sendString(
                                Flux.just(Sse.stream("done", " here"))
                                    .concatWith(
                                        Flux.interval(Duration.ofMillis(100))
                                            .map(i -> ": keep-alive " + i + "\n\n")))
                            .then()))) {
      // An idle timeout far beyond the wait: only completing at [DONE] can pass.
      LM lm =
          lm(endless.apiBase())
              .idleTimeout(Duration.ofMinutes(5))
              .firstByteTimeout(Duration.ofMinutes(5))
              .build();

      StepVerifier.create(lm.tokens("hi"))
          .expectNext("done", " here")
          .expectComplete()
          .verify(WAIT);
      assertThat(endless.awaitConnectionClosed(WAIT))
          .as("the client closed the connection at [DONE]")
          .isTrue();
    }
  }
}
