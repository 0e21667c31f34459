package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.testing.Sse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * The one operator between a response body's buffers and its chunks: one buffer read at a time and
 * only once the previous one's chunks went downstream, a failure after the chunks decoded before
 * it, {@code [DONE]} making the rest of the body harmless, the end of the body checked, and the
 * timers finished however the stream ends.
 */
class ResponseChunksTest {

  private static final LmSettings SETTINGS = TestLmSettings.of("m", null, 0, 4096);

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final TestPublisher<ByteBuf> body = TestPublisher.createCold();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private ResponseChunks chunks() {
    return chunks(body);
  }

  private ResponseChunks chunks(TestPublisher<ByteBuf> buffers) {
    return chunks(buffers, UnaryOperator.identity());
  }

  private ResponseChunks chunks(TestPublisher<ByteBuf> buffers, UnaryOperator<Throwable> mapError) {
    var stream =
        new ChunkStream(
            4096, new ChunkParser(), new ObjectMapper(), new LmErrors(SETTINGS), 200, "req-1");
    var timers =
        StreamTimers.start(
            Connection.from(channel), Duration.ofSeconds(60), Duration.ofSeconds(1), stream::done);
    return new ResponseChunks(buffers.flux(), stream, timers, mapError);
  }

  private static ByteBuf buf(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBufferIsReadOnlyOnceThePreviousOnesChunksWereRequested() {
    TestPublisher<ByteBuf> hot = TestPublisher.create();
    StepVerifier.create(chunks(hot), 0)
        .then(() -> hot.assertMinRequested(1)) // the first buffer is read ahead
        .then(() -> hot.next(buf(Sse.text("a") + Sse.text("b"))))
        .then(() -> hot.assertMaxRequested(0))
        .thenRequest(1)
        .expectNext(LmChunk.ofText("a"))
        .then(() -> hot.assertMaxRequested(0)) // "b" still waits: no second buffer yet
        .thenRequest(1)
        .expectNext(LmChunk.ofText("b"))
        .then(() -> hot.assertMinRequested(1))
        .then(() -> hot.next(buf(Sse.finish("stop") + Sse.done())).complete())
        .thenRequest(10)
        .expectNextMatches(c -> c.finishReason().orElse("").equals("stop"))
        .verifyComplete();
  }

  @Test
  void chunksDecodedBeforeAMalformedPayloadArriveBeforeItsError() {
    body.next(buf(Sse.text("a") + "data: {not json\n\n" + Sse.text("never")));
    StepVerifier.create(chunks())
        .expectNext(LmChunk.ofText("a"))
        .expectError(ServerException.class)
        .verify(Duration.ofSeconds(5));
    body.assertCancelled();
  }

  @Test
  void afterDoneAFailureOfTheRestOfTheBodyDoesNotSpoilTheAnswer() {
    body.next(buf(Sse.text("a") + Sse.done())).error(new IllegalStateException("connection reset"));
    StepVerifier.create(chunks()).expectNext(LmChunk.ofText("a")).verifyComplete();
  }

  @Test
  void aBodyEndingWithoutDoneOrFinishReasonIsCutShort() {
    body.next(buf(Sse.text("a"))).complete();
    StepVerifier.create(chunks())
        .expectNext(LmChunk.ofText("a"))
        .expectError(ConnectionException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aFailureOfTheBodyBeforeDoneIsTheStreamsError() {
    body.next(buf(Sse.text("a"))).error(new IllegalStateException("reset"));
    StepVerifier.create(chunks())
        .expectNext(LmChunk.ofText("a"))
        .expectErrorMessage("reset")
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void everyFailureGoesDownstreamThroughTheErrorMapping() {
    UnaryOperator<Throwable> mapError = t -> new IllegalArgumentException("mapped", t);
    body.next(buf(Sse.text("a"))).error(new IllegalStateException("reset"));
    StepVerifier.create(chunks(body, mapError))
        .expectNext(LmChunk.ofText("a"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage("mapped");
              assertThat(e.getCause()).hasMessage("reset");
            })
        .verify(Duration.ofSeconds(5));

    TestPublisher<ByteBuf> cut = TestPublisher.createCold();
    cut.next(buf(Sse.text("a"))).complete(); // no [DONE], no finish reason: ChunkStream.end fails
    StepVerifier.create(chunks(cut, mapError))
        .expectNext(LmChunk.ofText("a"))
        .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(ConnectionException.class))
        .verify(Duration.ofSeconds(5));

    TestPublisher<ByteBuf> malformed = TestPublisher.createCold();
    malformed.next(buf("data: {not json\n\n"));
    StepVerifier.create(chunks(malformed, mapError))
        .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(ServerException.class))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aSubscriberWithoutBoundGetsTheBodyRequestedWithoutBound() {
    TestPublisher<ByteBuf> hot = TestPublisher.create();
    StepVerifier.create(chunks(hot))
        .then(() -> hot.next(buf(Sse.text("a"))))
        .expectNext(LmChunk.ofText("a"))
        // Reactor Netty delivers to such a subscriber directly, not through its queue.
        .then(() -> hot.assertMinRequested(Long.MAX_VALUE))
        .then(() -> hot.next(buf(Sse.text("b")), buf(Sse.text("c") + Sse.done())).complete())
        .expectNext(LmChunk.ofText("b"), LmChunk.ofText("c"))
        .verifyComplete();
  }

  @Test
  void buffersArrivingWhileTheDrainLoopRunsGoDownInOrder() {
    // The body requested without bound delivers buffers while the subscriber is still being
    // handed a chunk (on a real connection: another thread's drain): none may be lost or
    // reordered.
    TestPublisher<ByteBuf> hot = TestPublisher.create();
    var seen = new java.util.ArrayList<String>();
    chunks(hot)
        .subscribe(
            chunk -> {
              seen.add(chunk.text());
              if (chunk.text().equals("b")) {
                hot.next(buf(Sse.text("c")));
                hot.next(buf(Sse.text("d") + Sse.text("e")));
                hot.next(buf(Sse.done()));
                hot.complete();
              }
            });
    hot.next(buf(Sse.text("a")));
    hot.next(buf(Sse.text("b")));
    assertThat(seen).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void cancellingStopsReadingTheBody() {
    body.next(buf(Sse.text("a")), buf(Sse.text("b")));
    StepVerifier.create(chunks(), 1).expectNext(LmChunk.ofText("a")).thenCancel().verify();
    body.assertCancelled();
  }
}
