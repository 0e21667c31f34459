package dev.dspy4j.core.predict.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class FieldStreamTest {

  private static final Signature SIGNATURE = Signature.parse("question -> answer");

  private static FieldStream stream(String path) {
    var adapter = new ChatAdapter();
    return new FieldStream(
        choice -> adapter.fieldSplitter(SIGNATURE, Set.of("answer")).orElse(null), path);
  }

  @Test
  void chunksCarryThePathAndTheirChoiceFromTheStart() {
    var fields = stream("/qa");
    var events =
        Flux.just(
                LmChunk.of(0, "[[ ## answer ## ]]\nfo", null, null, null),
                LmChunk.of(2, "[[ ## answer ## ]]\nba", null, null, null),
                LmChunk.of(0, "ur", null, "stop", null),
                LmChunk.of(2, "r", null, "length", null),
                LmChunk.ofUsage(new Usage(3, 4, 7)))
            .concatMapIterable(fields::accept)
            .concatWith(Flux.defer(() -> Flux.fromIterable(fields.finish())))
            .collectList()
            .block();

    assertThat(events)
        .containsExactly(
            new FieldChunk("answer", "fo", false, "/qa", 0),
            new FieldChunk("answer", "ba", false, "/qa", 2),
            new FieldChunk("answer", "ur", false, "/qa", 0),
            new FieldChunk("answer", "r", false, "/qa", 2),
            new FieldChunk("answer", "", true, "/qa", 0),
            new FieldChunk("answer", "", true, "/qa", 2));
    var response = fields.response();
    assertThat(response.texts())
        .as("ChunkAccumulator: a choice that sent nothing is \"\"")
        .containsExactly("[[ ## answer ## ]]\nfour", "", "[[ ## answer ## ]]\nbar");
    assertThat(response.finishReason()).contains("stop");
    assertThat(response.usage()).isEqualTo(new Usage(3, 4, 7));
  }

  @Test
  void aCacheReplayYieldsNoChunksButTheWholeAnswer() {
    var fields = stream("");
    var events = new ArrayList<StreamEvent>();
    fields.accept(LmChunk.cacheReplay(0, "[[ ## answer ## ]]\n4", "stop")).forEach(events::add);
    events.addAll(fields.finish());

    assertThat(events).isEmpty();
    assertThat(fields.response().texts()).containsExactly("[[ ## answer ## ]]\n4");
    assertThat(fields.response().cacheHit()).isTrue();
  }

  @Test
  void aChoiceWithoutSplitterIsNotStreamedButStillAnswered() {
    FieldSplitter none = null;
    var fields = new FieldStream(choice -> none, "");
    var events = new ArrayList<StreamEvent>();
    fields.accept(LmChunk.ofText("[[ ## answer ## ]]\n4")).forEach(events::add);
    events.addAll(fields.finish());

    assertThat(events).isEmpty();
    assertThat(fields.response().texts()).containsExactly("[[ ## answer ## ]]\n4");
  }

  @Test
  void theNextChunkIsRefusedWhileThePreviousChunksAreNotAllTaken() {
    var fields = stream("");
    var first = fields.accept(LmChunk.ofText("[[ ## answer ## ]]\nfour"));
    assertThat(first.spliterator().estimateSize()).isEqualTo(1);

    assertThatThrownBy(() -> fields.accept(LmChunk.ofText(" more")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void oneDeltaMayCompleteSeveralChunks() {
    var adapter = new ChatAdapter();
    var signature = Signature.parse("question -> reasoning, answer");
    var fields =
        new FieldStream(
            choice -> adapter.fieldSplitter(signature, Set.of("reasoning", "answer")).orElse(null),
            "");
    List<StreamEvent> events = new ArrayList<>();
    fields
        .accept(LmChunk.ofText("[[ ## reasoning ## ]]\nR\n[[ ## answer ## ]]\nA"))
        .forEach(events::add);

    assertThat(events)
        .containsExactly(
            new FieldChunk("reasoning", "R", true), new FieldChunk("answer", "A", false));
  }
}
