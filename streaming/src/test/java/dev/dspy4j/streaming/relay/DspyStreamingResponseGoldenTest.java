package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The relay's {@link RelayFormat#dspyStreamingResponse()} against a stream written by real DSPy's
 * {@code streaming_response} (tools/dspy-goldens/gen_streaming.py, resources
 * dspy-goldens/streaming/): the same scripted events must give the same SSE body, and the client
 * code of DSPy's documented streaming endpoint must read the same text and prediction from it.
 */
class DspyStreamingResponseGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOLDENS = "/dspy-goldens/streaming/";

  private static String resource(String name) throws IOException {
    try (InputStream in =
        DspyStreamingResponseGoldenTest.class.getResourceAsStream(GOLDENS + name)) {
      assertThat(in)
          .as("golden file %s (run tools/dspy-goldens/gen_streaming.py)", name)
          .isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The generator's scripted events, as dspy4j stream events. */
  private static List<StreamEvent> scriptedEvents() throws IOException {
    JsonNode script = JSON.readTree(resource("events.json"));
    var events = new ArrayList<StreamEvent>();
    for (JsonNode e : script.get("events")) {
      events.add(
          new FieldChunk(
              e.get("field").asText(), e.get("text").asText(), e.get("last").asBoolean()));
    }
    Map<String, Object> fields =
        JSON.convertValue(
            script.get("prediction"), new TypeReference<LinkedHashMap<String, Object>>() {});
    events.add(new Done(Prediction.of(fields)));
    return events;
  }

  private static String relayBody(List<StreamEvent> events) {
    var relay =
        SseRelay.create().withoutHeartbeat().withFormat(RelayFormat.dspyStreamingResponse());
    return String.join(
        "", relay.encoded(Flux.fromIterable(events)).collectList().block(Duration.ofSeconds(10)));
  }

  /** The body's events: what DSPy's framing ({@code data: ...\n\n}) separates. */
  private static List<String> sseEvents(String body) {
    assertThat(body).endsWith("\n\n");
    return List.of(body.substring(0, body.length() - 2).split("\n\n", -1));
  }

  @Test
  void theBodyIsWhatDspysStreamingResponseWritesForTheSameStream() throws IOException {
    List<String> golden = sseEvents(resource("stream.txt"));
    List<String> ours = sseEvents(relayBody(scriptedEvents()));

    assertThat(ours).hasSameSizeAs(golden);
    for (int i = 0; i < golden.size(); i++) {
      String expected = golden.get(i);
      String actual = ours.get(i);
      if (expected.startsWith("data: {\"chunk\"")) {
        // The chunk's id and creation time are per stream; everything else must match exactly.
        assertThat(withoutIdAndTime(actual))
            .as("chunk event %d", i)
            .isEqualTo(withoutIdAndTime(expected));
        assertThat(actual)
            .as("chunk event %d: key order and encoding", i)
            .startsWith("data: {\"chunk\":{\"id\":\"chatcmpl-");
      } else {
        // The prediction (orjson's encoding: compact, UTF-8 unescaped) and [DONE]: byte for byte.
        assertThat(actual).as("event %d", i).isEqualTo(expected);
      }
    }
    assertThat(ours.get(ours.size() - 1)).isEqualTo("data: [DONE]");
  }

  @Test
  void dspysDocumentedClientReadsTheSameTextAndPrediction() throws IOException {
    JsonNode expected = JSON.readTree(resource("client_view.json"));
    JsonNode actual = ClientOfDspyEndpoint.read(relayBody(scriptedEvents()));

    assertThat(actual).isEqualTo(expected);
    assertThat(actual.get("done").asBoolean()).isTrue();
    // Each field's chunks, told apart by provider_specific_fields, add up to the prediction's
    // value.
    var perField = new LinkedHashMap<String, StringBuilder>();
    for (String event : sseEvents(relayBody(scriptedEvents()))) {
      JsonNode payload = JSON.readTree(event.substring("data: ".length()).replace("[DONE]", "{}"));
      if (payload.has("chunk")) {
        JsonNode info = payload.get("chunk").get("provider_specific_fields");
        perField
            .computeIfAbsent(info.get("signature_field_name").asText(), f -> new StringBuilder())
            .append(payload.get("chunk").at("/choices/0/delta/content").asText());
      }
    }
    assertThat(perField.get("reasoning"))
        .hasToString(expected.at("/prediction/reasoning").asText());
    assertThat(perField.get("answer")).hasToString(expected.at("/prediction/answer").asText());
  }

  @Test
  void statusMessagesAreLeftOutBecauseDspysStreamingResponseCannotWriteThem() throws IOException {
    JsonNode rejected = JSON.readTree(resource("rejected.json"));
    assertThat(rejected.at("/StatusMessage/raises").asText()).isEqualTo("ValueError");

    var events = new ArrayList<StreamEvent>();
    events.add(new Status("Calling LM..."));
    events.addAll(scriptedEvents());
    String withStatus = stable(relayBody(events));
    assertThat(withStatus)
        .doesNotContain("Calling LM")
        .isEqualTo(stable(relayBody(scriptedEvents())));
  }

  @Test
  void aFailureIsAnErrorPayloadAndTheStreamEndsWithoutDone() throws IOException {
    var events =
        Flux.<StreamEvent>just(new FieldChunk("answer", "Fi", false))
            .concatWith(
                Flux.error(
                    new IllegalStateException(
                        "gateway said 401 for Authorization: Bearer sk-live-abcdef123456")));
    var relay =
        SseRelay.create().withoutHeartbeat().withFormat(RelayFormat.dspyStreamingResponse());
    String body =
        String.join("", relay.encoded(events).collectList().block(Duration.ofSeconds(10)));

    List<String> out = sseEvents(body);
    assertThat(out).hasSize(2);
    JsonNode error = JSON.readTree(out.get(1).substring("data: ".length())).get("error");
    assertThat(error.get("type").asText()).isEqualTo("IllegalStateException");
    assertThat(error.get("message").asText())
        .contains("401")
        .doesNotContain("sk-live")
        .doesNotContain("abcdef");
    assertThat(body).doesNotContain("[DONE]");
    assertThat(ClientOfDspyEndpoint.read(body).get("done").asBoolean()).isFalse();
  }

  /** The body with its per-stream chunk id and creation time replaced by constants. */
  private static String stable(String body) {
    return body.replaceAll("chatcmpl-[0-9a-f-]+", "chatcmpl-ID")
        .replaceAll("\"created\":\\d+", "\"created\":0");
  }

  private static String withoutIdAndTime(String event) throws IOException {
    JsonNode payload = JSON.readTree(event.substring("data: ".length()));
    ObjectNode chunk = (ObjectNode) payload.get("chunk");
    chunk.remove("id");
    chunk.remove("created");
    return payload.toString();
  }

  /**
   * The client side of DSPy's documented streaming endpoint (the same reading as the generator's
   * {@code client_view}): {@code data: [DONE]} ends the stream, {@code chunk} payloads carry text
   * in {@code choices[0].delta.content}, the {@code prediction} payload carries the fields.
   */
  static final class ClientOfDspyEndpoint {
    static JsonNode read(String body) throws IOException {
      var texts = JSON.createArrayNode();
      JsonNode prediction = null;
      boolean done = false;
      for (String event : body.split("\n\n")) {
        if (event.isEmpty()) continue;
        assertThat(event).startsWith("data: ");
        String data = event.substring("data: ".length());
        if (data.equals("[DONE]")) {
          done = true;
          break;
        }
        JsonNode payload = JSON.readTree(data);
        if (payload.has("chunk")) {
          texts.add(payload.get("chunk").at("/choices/0/delta/content").asText());
        } else if (payload.has("prediction")) {
          prediction = payload.get("prediction");
        }
      }
      var view = JSON.createObjectNode();
      view.set("chunk_texts", texts);
      var text = new StringBuilder();
      texts.forEach(t -> text.append(t.asText()));
      view.put("text", text.toString());
      view.set("prediction", prediction == null ? JSON.nullNode() : prediction);
      view.put("done", done);
      return view;
    }
  }
}
