package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Cancelling a call closes its HTTP exchange at once, and the server sees the disconnect. */
class LmCancellationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final AtomicInteger serverStreamsCancelled = new AtomicInteger();
  private LoopbackServer server;

  /**
   * A server that streams a token every 50 ms, forever, unless told to answer a plain completion.
   */
  private LoopbackServer endlessStreamServer() {
    return LoopbackServer.start(
        (req, res) -> {
          if (req.uri().contains("stall")) {
            return res.header("Content-Type", "text/event-stream")
                .sendString(Flux.just(Sse.text("a"), Sse.text("b")).concatWith(Flux.never()))
                .then();
          }
          if (req.uri().contains("plain")) {
            return res.header("Content-Type", "application/json")
                .sendString(Mono.just(Sse.completion("fresh")));
          }
          return req.receive()
              .then(
                  res.header("Content-Type", "text/event-stream")
                      .sendString(
                          Flux.interval(Duration.ofMillis(50))
                              .map(i -> Sse.text("t" + i + " "))
                              .doOnCancel(serverStreamsCancelled::incrementAndGet))
                      .then());
        });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void takingTheFirstTokensClosesTheConnectionAndTheServerSeesIt() throws Exception {
    server = endlessStreamServer();
    LM lm = TestLms.builder(server.apiBase()).build();

    StepVerifier.create(lm.tokens("hi").take(3))
        .expectNext("t0 ", "t1 ", "t2 ")
        .expectComplete()
        .verify(WAIT);

    assertThat(server.awaitConnectionClosed(WAIT)).as("the server saw the disconnect").isTrue();
    assertThat(server.connectionsClosed()).isEqualTo(1);
  }

  @Test
  void disposingASubscriptionMidStreamClosesTheConnection() throws Exception {
    server = endlessStreamServer();
    LM lm = TestLms.builder(server.apiBase()).build();
    var firstToken = new CountDownLatch(1);

    Disposable subscription = lm.tokens("hi").subscribe(t -> firstToken.countDown());
    assertThat(firstToken.await(30, TimeUnit.SECONDS)).isTrue();
    subscription.dispose();

    assertThat(server.awaitConnectionClosed(WAIT)).as("the server saw the disconnect").isTrue();
  }

  @Test
  void aTimeoutOperatorDownstreamClosesTheConnection() throws Exception {
    server = endlessStreamServer();
    LM lm = TestLms.builder(server.apiBase() + "/stall").build();

    StepVerifier.create(lm.tokens("hi").timeout(Duration.ofMillis(700)))
        .expectNext("a", "b")
        .expectError(java.util.concurrent.TimeoutException.class)
        .verify(WAIT);

    assertThat(server.awaitConnectionClosed(WAIT)).isTrue();
  }

  @Test
  void cancellingACompleteWhileWaitingForTheAnswerClosesTheConnection() throws Exception {
    server = LoopbackServer.start((req, res) -> Mono.never());
    LM lm = TestLms.builder(server.apiBase()).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectSubscription()
        .thenAwait(Duration.ofMillis(500))
        .thenCancel()
        .verify(WAIT);

    assertThat(server.awaitConnectionClosed(WAIT)).isTrue();
  }

  @Test
  void aConnectionCancelledMidResponseIsNotReused() throws Exception {
    server = endlessStreamServer();
    LM lm = TestLms.builder(server.apiBase()).build();
    StepVerifier.create(lm.tokens("hi").take(1)).expectNextCount(1).expectComplete().verify(WAIT);
    assertThat(server.awaitConnectionClosed(WAIT)).isTrue();

    LM plain = TestLms.builder(server.apiBase() + "/plain").build();
    StepVerifier.create(plain.call("again"))
        .expectNext(List.of("fresh"))
        .expectComplete()
        .verify(WAIT);

    assertThat(server.connectionsOpened())
        .as("the second call needed a new connection")
        .isEqualTo(2);
  }

  @Test
  void aConnectionLostAfterTextIsAnInterruptionWithThePartialText() {
    server =
        LoopbackServer.start(
            (req, res) ->
                res.header("Content-Type", "text/event-stream")
                    .sendString(Flux.just(Sse.roleChunk(), Sse.text("par"), Sse.text("tial")))
                    .then()
                    .then(Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close()))));
    LM lm = TestLms.builder(server.apiBase()).build();

    StepVerifier.create(lm.tokens("hi"))
        .expectNext("par", "tial")
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(StreamInterruptedException.class);
              assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("partial");
            })
        .verify(WAIT);
  }
}
