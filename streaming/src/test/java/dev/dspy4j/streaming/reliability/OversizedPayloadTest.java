package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.ResponseTooLargeException;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A 10 MB prompt reaches the server whole; a 100 MB response is refused at the limit while the
 * server is still producing it (it is generated on demand, never held in memory by the test, and
 * the client stops reading at the limit, so the server never gets to write most of it).
 */
class OversizedPayloadTest extends PooledLmTest {

  private static final long HUNDRED_MB = 100L << 20;
  private static final int BLOCK = 64 * 1024;

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aTenMegabytePromptIsSentWhole() throws Exception {
    var random = new Random(10);
    var sb = new StringBuilder(10 << 20);
    String alphabet = "abcdefghijklmnopqrstuvwxyz \n\"\\é€😀{}";
    while (sb.length() < 10 << 20) {
      sb.appendCodePoint(
          alphabet.codePointAt(
              alphabet.offsetByCodePoints(
                  0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    String prompt = sb.toString();
    String expected = prompt.length() + ":" + sha256(prompt.getBytes(StandardCharsets.UTF_8));
    var mapper = new ObjectMapper();

    try (LoopbackServer server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .aggregate()
                    .asByteArray()
                    .flatMap(
                        body -> {
                          try {
                            JsonNode content =
                                mapper.readTree(body).path("messages").path(0).path("content");
                            String received = content.asText();
                            String answer =
                                received.length()
                                    + ":"
                                    + sha256(received.getBytes(StandardCharsets.UTF_8));
                            return res.header("Content-Type", "application/json")
                                .sendString(Mono.just(Sse.completion(answer)))
                                .then();
                          } catch (Exception e) {
                            return Mono.error(e);
                          }
                        }))) {
      LM lm = lm(server.apiBase()).build();

      StepVerifier.create(lm.call(prompt))
          .expectNext(List.of(expected))
          .expectComplete()
          .verify(WAIT);
    }
  }

  /**
   * The server's body: {@code head}, then filler bytes up to 100 MB, generated one 64 KiB block per
   * demand.
   */
  private static Flux<ByteBuf> hundredMegabytes(
      io.netty.buffer.ByteBufAllocator alloc, String head, byte filler, AtomicLong produced) {
    byte[] block = new byte[BLOCK];
    java.util.Arrays.fill(block, filler);
    return Flux.generate(
        sink -> {
          long sent = produced.get();
          if (sent >= HUNDRED_MB) {
            sink.complete();
            return;
          }
          ByteBuf buf = alloc.buffer(BLOCK);
          int room = BLOCK;
          if (sent == 0) {
            byte[] first = head.getBytes(StandardCharsets.US_ASCII);
            buf.writeBytes(first);
            room -= first.length;
          }
          buf.writeBytes(block, 0, room);
          produced.addAndGet(buf.readableBytes());
          sink.next(buf);
        });
  }

  @Test
  void aHundredMegabyteResponseIsRefusedAtTheLimitWithoutReadingItAll() throws Exception {
    var produced = new AtomicLong();
    try (LoopbackServer server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "application/json")
                            .send(
                                hundredMegabytes(
                                    res.alloc(),
                                    "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"",
                                    (byte) 'x',
                                    produced))
                            .then()))) {
      LM lm = lm(server.apiBase()).numRetries(2).build(); // default limit: 16 MiB

      StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(ResponseTooLargeException.class)
                      .hasMessageContaining(String.valueOf(LM.DEFAULT_MAX_RESPONSE_BYTES)))
          .verify(WAIT);

      assertThat(server.awaitConnectionClosed(WAIT)).isTrue();
      assertThat(server.connectionsOpened()).as("refused for good: not retried").isEqualTo(1);
      System.out.printf(
          "100 MB response, complete(): the server produced %.1f MiB before the client closed%n",
          produced.get() / 1048576.0);
      assertThat(produced.get())
          .as("the server never got to write most of the 100 MB")
          .isLessThan(HUNDRED_MB / 2);
    }
  }

  @Test
  void aHundredMegabyteStreamedEventIsRefusedAtTheLineLimitWithoutReadingItAll() throws Exception {
    var produced = new AtomicLong();
    try (LoopbackServer server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "text/event-stream")
                            .send(
                                hundredMegabytes(
                                    res.alloc(),
                                    Sse.roleChunk()
                                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
                                    (byte) 'y',
                                    produced))
                            .then()))) {
      LM lm = lm(server.apiBase()).numRetries(2).build(); // default limit: 1 MiB per line

      StepVerifier.create(lm.tokens("hi"))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(ResponseTooLargeException.class)
                      .hasMessageContaining(
                          "longer than the limit of " + LM.DEFAULT_MAX_LINE_BYTES))
          .verify(WAIT);

      assertThat(server.awaitConnectionClosed(WAIT)).isTrue();
      System.out.printf(
          "100 MB SSE line, stream(): the server produced %.1f MiB before the client closed%n",
          produced.get() / 1048576.0);
      assertThat(produced.get()).isLessThan(HUNDRED_MB / 2);
    }
  }
}
