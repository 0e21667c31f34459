package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** A slow subscriber stops the socket reads, so a fast server cannot fill the client's memory. */
class LmBackpressureTest {

  private static final long LIMIT_BYTES = 64L << 20;

  /**
   * 16 events of about 1 KB per write, so that the server is fast even with PARANOID leak
   * detection.
   */
  private static final String BLOCK = Sse.text("x".repeat(1000)).repeat(16);

  /**
   * Fixed socket buffers (which also turn off TCP autotuning) keep the kernel's share small and
   * known.
   */
  private static final int SOCKET_BUFFER = 64 * 1024;

  @Test
  void aSlowSubscriberStopsTheSocketReadsAndTheServerStalls() throws Exception {
    var produced = new AtomicLong();
    // Unbounded if nothing pushed back: the server emits events as fast as the socket takes them.
    try (var server =
        LoopbackServer.start(
            s -> s.childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER),
            (req, res) ->
                res.header("Content-Type", "text/event-stream")
                    .sendString(
                        Flux.<String>generate(sink -> sink.next(BLOCK))
                            .doOnNext(e -> produced.addAndGet(e.length()))
                            .take(LIMIT_BYTES / BLOCK.length()))
                    .then())) {
      LM lm =
          TestLms.builder(server.apiBase())
              .httpClient(HttpClient.create().option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER))
              .idleTimeout(Duration.ofMinutes(1))
              .build();

      long[] plateau = new long[2];
      StepVerifier.create(lm.stream(LmRequest.ofUser("hi")), 1)
          .expectNextCount(1)
          .thenAwait(Duration.ofSeconds(3))
          .then(() -> plateau[0] = produced.get())
          .thenAwait(Duration.ofSeconds(1))
          .then(() -> plateau[1] = produced.get())
          .thenRequest(50)
          .expectNextCount(50)
          .thenCancel()
          .verify(Duration.ofSeconds(60));

      System.out.printf(
          "backpressure: server produced %d KiB while the subscriber held 1 chunk "
              + "(%d KiB one second later)%n",
          plateau[0] / 1024, plateau[1] / 1024);
      assertThat(plateau[1])
          .as("bytes the server could write while the subscriber requested 1 chunk")
          .isLessThan(8L << 20);
      // Loopback TCP windows may still grow a little; an unthrottled pipe moves tens of MiB per
      // second.
      assertThat(plateau[1] - plateau[0])
          .as("the server is stalled, not just slow")
          .isLessThan(4L << 20);
    }
  }
}
