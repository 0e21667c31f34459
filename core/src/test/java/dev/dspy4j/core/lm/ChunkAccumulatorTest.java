package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkAccumulatorTest {

  @Test
  void anEmptyStreamIsOneEmptyText() {
    LmResponse r = new ChunkAccumulator().response();
    assertThat(r.texts()).containsExactly("");
    assertThat(r.usage()).isEqualTo(Usage.ZERO);
    assertThat(r.finishReason()).isEmpty();
    assertThat(r.cacheHit()).isFalse();
  }

  @Test
  void textsPerChoiceWithGapsAsEmptyAndChoiceZerosFinishReason() {
    var a = new ChunkAccumulator();
    a.add(LmChunk.of(0, "Hel", null, null, null));
    a.add(LmChunk.of(2, "other", null, "length", null));
    a.add(LmChunk.of(0, "lo", null, "stop", null));
    a.add(LmChunk.ofUsage(new Usage(3, 4, 7)));
    LmResponse r = a.response();
    assertThat(r.texts()).containsExactly("Hello", "", "other");
    assertThat(r.finishReason()).contains("stop");
    assertThat(r.usage()).isEqualTo(new Usage(3, 4, 7));
    assertThat(a.text()).isEqualTo("Hello");
  }

  @Test
  void aCacheReplayMarksTheAnswerAsAHit() {
    var a = new ChunkAccumulator();
    a.add(LmChunk.cacheReplay(0, "Paris", "stop"));
    assertThat(a.cacheHit()).isTrue();
    assertThat(a.response().cacheHit()).isTrue();
    assertThat(a.response().text()).isEqualTo("Paris");
  }

  @Test
  void toolCallPiecesAreAssembledPerChoice() {
    var a = new ChunkAccumulator();
    a.add(
        LmChunk.of(
            0, "", null, null, null, List.of(new ToolCallDelta(0, "c1", "search", "{\"q\":"))));
    a.add(
        LmChunk.of(
            0, "", null, "tool_calls", null, List.of(new ToolCallDelta(0, null, null, "\"x\"}"))));
    List<ToolCall> calls = a.response().toolCalls(0);
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).name()).isEqualTo("search");
    assertThat(calls.get(0).id()).isEqualTo("c1");
  }

  @Test
  void aMalformedToolCallFailsWhenTheAnswerIsTaken() {
    var a = new ChunkAccumulator();
    a.add(
        LmChunk.of(
            0, "", null, null, null, List.of(new ToolCallDelta(0, "c1", "search", "{not json"))));
    assertThatThrownBy(a::response).isInstanceOf(MalformedToolCallException.class);
  }
}
