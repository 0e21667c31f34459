package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.streaming.testing.Sse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkStreamTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final LmSettings SETTINGS = TestLmSettings.of("gpt-4o-mini", "sk-secret", 3, 4096);

  private final ChunkStream stream =
      new ChunkStream(4096, new ChunkParser(), MAPPER, new LmErrors(SETTINGS), 200, "req-1");

  private List<LmChunk> decode(String body) {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
    try {
      buf.writeCharSequence(body, StandardCharsets.UTF_8);
      ChunkStream.Batch batch = stream.decode(buf);
      if (batch.failure() != null) {
        throw batch.failure();
      }
      return new ArrayList<>(batch.chunks());
    } finally {
      buf.release();
    }
  }

  @Test
  void aRoleOnlyFirstChunkYieldsNoChunk() {
    assertThat(decode(Sse.roleChunk())).isEmpty();
  }

  @Test
  void textFinishReasonUsageAndDoneAreDecoded() {
    List<LmChunk> chunks = decode(Sse.stream("Hel", "lo"));
    assertThat(chunks)
        .containsExactly(
            LmChunk.ofText("Hel"),
            LmChunk.ofText("lo"),
            LmChunk.of(0, "", null, "stop", null),
            LmChunk.ofUsage(new Usage(10, 2, 12)));
    assertThat(stream.done()).isTrue();
    stream.end(); // complete: no exception
  }

  @Test
  void reasoningDeltasAndSeveralChoicesAreKept() {
    List<LmChunk> chunks =
        decode(
            Sse.event(
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"think\"}},"
                    + "{\"index\":1,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"length\"}]}"));
    assertThat(chunks)
        .containsExactly(
            LmChunk.of(0, "", "think", null, null), LmChunk.of(1, "B", null, "length", null));
  }

  @Test
  void eventsAfterDoneAreIgnored() {
    assertThat(decode(Sse.done() + Sse.text("late"))).isEmpty();
  }

  @Test
  void anErrorPayloadIsAServerErrorWithItsMessage() {
    assertThatThrownBy(
            () ->
                decode(
                    Sse.text("a")
                        + Sse.event(
                            "{\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\"}}")))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("upstream overloaded")
        .hasMessageContaining("req-1");
  }

  @Test
  void chunksBeforeAnErrorInTheSameBufferAreKept() {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
    try {
      buf.writeCharSequence(
          Sse.text("kept") + Sse.event("{\"error\":\"bad\"}") + Sse.text("dropped"),
          StandardCharsets.UTF_8);
      ChunkStream.Batch batch = stream.decode(buf);
      assertThat(batch.chunks()).containsExactly(LmChunk.ofText("kept"));
      assertThat(batch.failure()).isInstanceOf(ServerException.class).hasMessageContaining("bad");
    } finally {
      buf.release();
    }
  }

  @Test
  void anErrorPayloadWithAStatusIsTypedByIt() {
    assertThatThrownBy(
            () -> decode(Sse.event("{\"error\":{\"message\":\"slow down\",\"code\":429}}")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("slow down");
  }

  @Test
  void anErrorEventTypeIsAnError() {
    assertThatThrownBy(() -> decode("event: error\ndata: {\"message\":\"boom\"}\n\n"))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("boom");
  }

  @Test
  void aPayloadThatIsNotJsonIsAServerError() {
    assertThatThrownBy(() -> decode(Sse.event("{\"choices\":[")))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("not a JSON");
  }

  @Test
  void anEndWithoutDoneOrFinishReasonIsAConnectionFailure() {
    decode(Sse.roleChunk() + Sse.text("partial"));
    assertThatThrownBy(stream::end)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("without [DONE]");
  }

  @Test
  void anEndWithoutDoneAfterAFinishReasonIsClean() {
    decode(Sse.text("all") + Sse.finish("stop"));
    stream.end();
    assertThat(stream.done()).isFalse();
  }
}
