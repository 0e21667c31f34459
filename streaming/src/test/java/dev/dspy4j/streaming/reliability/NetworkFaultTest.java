package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmTimeoutException;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The network fails before or during a response: every case ends in a typed error or a correct
 * completion within the wait, and every exchange is closed (pool check after each test).
 */
class NetworkFaultTest extends PooledLmTest {

  @StartStop private final MockWebServer upstream = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(upstream);
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  @Test
  void aRefusedConnectionIsAConnectionErrorNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LM lm = lm("http://127.0.0.1:" + port + "/v1").numRetries(1).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(ConnectionException.class)
                  .hasMessageContaining("127.0.0.1:" + port);
              assertNoSecret(e);
            })
        .verify(WAIT);
    StepVerifier.create(lm.tokens("hi"))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConnectionException.class))
        .verify(WAIT);
  }

  @Test
  void anUnresolvableHostIsAConnectionErrorNamingTheHost() {
    LM lm = lm("http://dspy4j-no-such-host.invalid/v1").build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(ConnectionException.class)
                  .hasMessageContaining("dspy4j-no-such-host.invalid");
              assertNoSecret(e);
            })
        .verify(WAIT);
  }

  @Test
  void aSelfSignedCertificateFailsTheTlsHandshakeWithAClearMessage(@TempDir Path dir)
      throws Exception {
    try (MockWebServer tls = new MockWebServer()) {
      tls.useHttps(SelfSignedTls.serverSocketFactory(dir));
      tls.start();
      LM lm = lm(tls.url("/v1").toString()).build();

      StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("TLS handshake")
                    .hasMessageContaining("certificate");
                assertNoSecret(e);
              })
          .verify(WAIT);
      assertThat(tls.getRequestCount()).as("no request got through").isZero();
    }
  }

  @Test
  void aServerClosingBeforeTheHeadersIsAConnectionError() throws Exception {
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(), FaultProxy.Kind.CLOSE_BEFORE_HEADERS, 0, Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).build();

      StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("connection");
                assertNoSecret(e);
              })
          .verify(WAIT);
      StepVerifier.create(lm.tokens("hi")).expectError(ConnectionException.class).verify(WAIT);
      assertThat(proxy.connectionsAccepted()).isEqualTo(2);
    }
  }

  @Test
  void aCloseBeforeTheHeadersIsRetriedAndTheAnswerArrivesOnce() throws Exception {
    upstream.enqueue(sse(Sse.stream("one", " two")));
    try (FaultProxy proxy =
        FaultProxy.start(upstream.getPort(), FaultProxy.Kind.CLOSE_BEFORE_HEADERS, 0, 1)) {
      LM lm = lm(proxy.apiBase()).numRetries(2).build();

      StepVerifier.create(lm.tokens("hi")).expectNext("one", " two").expectComplete().verify(WAIT);
      assertThat(proxy.connectionsAccepted()).isEqualTo(2);
    }
  }

  @Test
  void aServerStallingBeforeTheHeadersTimesOutAndTheExchangeIsClosed() throws Exception {
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(), FaultProxy.Kind.STALL_BEFORE_HEADERS, 0, Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).firstByteTimeout(Duration.ofMillis(500)).build();

      StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(LmTimeoutException.class)
                    .hasMessageContaining("firstByteTimeout");
                assertNoSecret(e);
              })
          .verify(WAIT);
      StepVerifier.create(lm.tokens("hi")).expectError(LmTimeoutException.class).verify(WAIT);

      assertThat(proxy.awaitAllClosed(WAIT))
          .as("the client closed both stalled exchanges")
          .isTrue();
      assertThat(proxy.closedByClient()).isEqualTo(2);
    }
  }

  @Test
  void aStreamStallingBeforeAnyTextTimesOutAndTheExchangeIsClosed() throws Exception {
    upstream.enqueue(sse(Sse.stream("never")));
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(),
            FaultProxy.Kind.STALL_AFTER_BODY_BYTES,
            Sse.roleChunk().length(),
            Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).idleTimeout(Duration.ofMillis(500)).build();

      StepVerifier.create(lm.tokens("hi"))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(LmTimeoutException.class)
                    .hasMessageContaining("idleTimeout");
                assertNoSecret(e);
              })
          .verify(WAIT);

      assertThat(proxy.awaitAllClosed(WAIT)).as("the client closed the stalled exchange").isTrue();
    }
  }

  @Test
  void aStreamStallingAfterTextIsAnInterruptionWithThePartialTextAndTheExchangeIsClosed()
      throws Exception {
    String body = Sse.stream("par", "tial", " never");
    upstream.enqueue(sse(body));
    long cut = Sse.roleChunk().length() + Sse.text("par").length() + Sse.text("tial").length();
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(), FaultProxy.Kind.STALL_AFTER_BODY_BYTES, cut, Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).numRetries(3).idleTimeout(Duration.ofMillis(500)).build();

      StepVerifier.create(lm.tokens("hi"))
          .expectNext("par", "tial")
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(StreamInterruptedException.class)
                    .hasCauseInstanceOf(LmTimeoutException.class);
                assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("partial");
                assertNoSecret(e);
              })
          .verify(WAIT);

      assertThat(proxy.awaitAllClosed(WAIT)).isTrue();
      assertThat(proxy.connectionsAccepted()).as("text was delivered: not retried").isEqualTo(1);
    }
  }

  @Test
  void aPlainResponseStallingMidBodyTimesOutAndTheExchangeIsClosed() throws Exception {
    upstream.enqueue(new MockResponse.Builder().body(Sse.completion("a long answer")).build());
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(), FaultProxy.Kind.STALL_AFTER_BODY_BYTES, 20, Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).firstByteTimeout(Duration.ofMillis(500)).build();

      StepVerifier.create(lm.call("hi"))
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(LmTimeoutException.class))
          .verify(WAIT);

      assertThat(proxy.awaitAllClosed(WAIT)).isTrue();
    }
  }

  @Test
  void aPlainResponseCutMidBodyIsAConnectionErrorNotAShortAnswer() throws Exception {
    upstream.enqueue(new MockResponse.Builder().body(Sse.completion("a long answer")).build());
    upstream.enqueue(new MockResponse.Builder().body(Sse.completion("a long answer")).build());
    try (FaultProxy proxy =
        FaultProxy.start(
            upstream.getPort(), FaultProxy.Kind.CUT_AFTER_BODY_BYTES, 20, Integer.MAX_VALUE)) {
      LM lm = lm(proxy.apiBase()).numRetries(1).build();

      StepVerifier.create(lm.call("hi"))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(ConnectionException.class);
                assertNoSecret(e);
              })
          .verify(WAIT);
      assertThat(proxy.connectionsAccepted()).as("retried once").isEqualTo(2);
    }
  }

  @Test
  void aPlainResponseCutOnceIsRetriedToTheWholeAnswer() throws Exception {
    upstream.enqueue(new MockResponse.Builder().body(Sse.completion("a long answer")).build());
    upstream.enqueue(new MockResponse.Builder().body(Sse.completion("a long answer")).build());
    try (FaultProxy proxy =
        FaultProxy.start(upstream.getPort(), FaultProxy.Kind.CUT_AFTER_BODY_BYTES, 20, 1)) {
      LM lm = lm(proxy.apiBase()).numRetries(1).build();

      StepVerifier.create(lm.call("hi"))
          .expectNext(List.of("a long answer"))
          .expectComplete()
          .verify(WAIT);
    }
  }
}
