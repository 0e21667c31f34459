package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The UI message chunks the AI SDK format writes for each kind of stream event. */
class AiSdkUiMessageStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<JsonNode> chunks(SseRelay relay, Flux<StreamEvent> events) throws Exception {
    var out = new ArrayList<JsonNode>();
    for (SseFrame frame : relay.frames(events).collectList().block(Duration.ofSeconds(10))) {
      assertThat(frame.event()).as("no event names: the AI SDK reads bare data lines").isNull();
      assertThat(frame.id()).isNull();
      out.add(
          frame.data().equals("[DONE]")
              ? JSON.getNodeFactory().textNode("[DONE]")
              : JSON.readTree(frame.data()));
    }
    return out;
  }

  private static List<String> types(List<JsonNode> chunks) {
    return chunks.stream().map(c -> c.isTextual() ? c.asText() : c.get("type").asText()).toList();
  }

  private static final SseRelay RELAY =
      SseRelay.create().withoutHeartbeat().withFormat(RelayFormat.aiSdk());

  @Test
  void aChainOfThoughtBecomesReasoningThenTextThenThePrediction() throws Exception {
    var events = new ArrayList<StreamEvent>(SseRelayTest.sampleEvents());
    events.add(1, new FieldChunk("confidence", "hi", false));
    events.add(2, new FieldChunk("confidence", "gh", true));
    List<JsonNode> chunks = chunks(RELAY, Flux.fromIterable(events));
    List<String> types = types(chunks);

    assertThat(types.subList(0, 5))
        .containsExactly("start", "start-step", "data-status", "data-field", "data-field");
    assertThat(types)
        .containsSubsequence(
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "text-start",
            "text-delta",
            "text-end",
            "data-prediction",
            "finish-step",
            "finish",
            "[DONE]");
    assertThat(types.subList(types.size() - 4, types.size()))
        .containsExactly("data-prediction", "finish-step", "finish", "[DONE]");
    var reasoning = new StringBuilder();
    var text = new StringBuilder();
    for (JsonNode c : chunks) {
      if (c.path("type").asText().equals("reasoning-delta"))
        reasoning.append(c.get("delta").asText());
      if (c.path("type").asText().equals("text-delta")) text.append(c.get("delta").asText());
    }
    assertThat(reasoning).hasToString(SseRelayTest.REASONING);
    assertThat(text).hasToString(SseRelayTest.ANSWER);
    JsonNode status = chunks.get(2);
    assertThat(status.at("/data/message").asText()).isEqualTo("Predict starting");
    JsonNode field = chunks.get(3);
    assertThat(field.get("transient").asBoolean()).isTrue();
    assertThat(field.get("data"))
        .isEqualTo(JSON.readTree("{\"field\":\"confidence\",\"text\":\"hi\",\"last\":false}"));
    JsonNode prediction = chunks.get(chunks.size() - 4);
    assertThat(prediction.get("id").asText()).isEqualTo("prediction");
    assertThat(prediction.at("/data/answer").asText()).isEqualTo(SseRelayTest.ANSWER);
    assertThat(chunks.get(chunks.size() - 2).get("finishReason").asText()).isEqualTo("stop");
  }

  @Test
  void eachFieldAndPathIsItsOwnPartAndChosenFieldsAreHonoured() throws Exception {
    var relay =
        RELAY.withFormat(
            RelayFormat.aiSdk().withReasoningFields("plan").withTextFields("answer", "summary"));
    var events =
        Flux.<StreamEvent>just(
            new FieldChunk("plan", "a", true, "/plan"),
            new FieldChunk("answer", "x", false, "/one"),
            new FieldChunk("answer", "y", false, "/two"),
            new FieldChunk("answer", "", true, "/one"),
            new FieldChunk("summary", "s", false),
            new Done(Prediction.of(Map.of("answer", "x"))));
    List<JsonNode> chunks = chunks(relay, events);
    assertThat(chunks.stream().map(JsonNode::toString).toList())
        .containsSubsequence(
            "{\"type\":\"reasoning-start\",\"id\":\"reasoning-1\"}",
            "{\"type\":\"reasoning-end\",\"id\":\"reasoning-1\"}",
            "{\"type\":\"text-start\",\"id\":\"text-2\"}",
            "{\"type\":\"text-start\",\"id\":\"text-3\"}",
            "{\"type\":\"text-delta\",\"id\":\"text-3\",\"delta\":\"y\"}",
            "{\"type\":\"text-end\",\"id\":\"text-2\"}",
            "{\"type\":\"text-start\",\"id\":\"text-4\"}",
            // Done closes what is still open, before the prediction.
            "{\"type\":\"text-end\",\"id\":\"text-3\"}",
            "{\"type\":\"text-end\",\"id\":\"text-4\"}");
    assertThat(types(chunks)).doesNotContain("data-field");
    assertThatThrownBy(() -> RelayFormat.aiSdk().withTextFields("reasoning"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'reasoning'");
  }

  @Test
  void aFailureClosesOpenPartsAndIsAnErrorPartWithoutCredentials() throws Exception {
    var events =
        Flux.<StreamEvent>just(new FieldChunk("reasoning", "Thinking", false))
            .concatWith(
                Flux.error(
                    new IllegalStateException(
                        "POST https://gateway.internal/v1 failed: Authorization: Bearer sk-live-abcdef123456 api_key=hunter2")));
    List<JsonNode> chunks = chunks(RELAY, events);

    assertThat(types(chunks))
        .containsExactly(
            "start",
            "start-step",
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "error",
            "finish",
            "[DONE]");
    String errorText = chunks.get(5).get("errorText").asText();
    assertThat(errorText)
        .startsWith("IllegalStateException: ")
        .doesNotContain("sk-live")
        .doesNotContain("hunter2")
        .doesNotContain("gateway.internal")
        .contains("[url]");
    assertThat(chunks.get(6).get("finishReason").asText()).isEqualTo("error");
  }

  @Test
  void aStreamWithoutDoneEndsWithAnErrorPart() throws Exception {
    List<JsonNode> chunks = chunks(RELAY, Flux.just(new Status("only a status")));
    assertThat(types(chunks))
        .containsExactly("start", "start-step", "data-status", "error", "finish", "[DONE]");
    assertThat(chunks.get(3).get("errorText").asText()).contains("without a final result");
  }
}
