package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The request body, written field by field, against the reference it must equal byte for byte: a
 * {@code LinkedHashMap} of the standard fields with the extra body put over them, {@code stream}
 * and {@code stream_options} removed and then set by the client, serialised by Jackson.
 */
class RequestBodyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String reference(String model, LmRequest r, boolean stream) throws Exception {
    var body = new LinkedHashMap<String, Object>();
    body.put("model", model);
    var messages = new ArrayList<Map<String, String>>();
    for (Message m : r.messages()) {
      var message = new LinkedHashMap<String, String>();
      message.put("role", m.role());
      message.put("content", m.content());
      messages.add(message);
    }
    body.put("messages", messages);
    r.temperature().ifPresent(t -> body.put("temperature", t));
    r.maxTokens()
        .ifPresent(
            t ->
                body.put(
                    ReasoningModels.isReasoningModel(model)
                        ? "max_completion_tokens"
                        : "max_tokens",
                    t));
    r.n().ifPresent(n -> body.put("n", n));
    if (!r.stop().isEmpty()) {
      body.put("stop", r.stop());
    }
    r.responseFormat().ifPresent(f -> body.put("response_format", f));
    if (!r.tools().isEmpty()) {
      body.put("tools", r.tools());
    }
    r.toolChoice().ifPresent(c -> body.put("tool_choice", c));
    body.putAll(r.extraBody());
    body.remove("stream");
    body.remove("stream_options");
    if (stream) {
      body.put("stream", true);
      body.put("stream_options", Map.of("include_usage", true));
    }
    return MAPPER.writeValueAsString(body);
  }

  private static String ours(String model, LmRequest r, boolean stream) {
    return new String(RequestBody.json(MAPPER, model, r, stream), StandardCharsets.UTF_8);
  }

  @Test
  void aPlainStreamedCallIsTheCompactOpenAiBody() {
    LmRequest r = LmRequest.of(List.of(Message.system("be \"brief\""), Message.user("héllo\n")));
    assertThat(ours("gpt-4o-mini", r, true))
        .isEqualTo(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"be"
                + " \\\"brief\\\"\"},{\"role\":\"user\",\"content\":\"héllo\\n\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
  }

  @Test
  void extraFieldsReplaceStandardOnesInTheirPlaceAndNeverStream() throws Exception {
    var extra = new LinkedHashMap<String, Object>();
    extra.put("top_p", 0.5);
    extra.put("temperature", 0.0);
    extra.put("stream", false);
    extra.put("stream_options", Map.of("include_usage", false));
    extra.put("model", "other");
    extra.put("seed", null);
    LmRequest r =
        LmRequest.builder(List.of(Message.user("q")))
            .temperature(0.7)
            .maxTokens(100)
            .extraBody(extra)
            .build();
    String body = ours("o3-mini", r, false);
    assertThat(body).isEqualTo(reference("o3-mini", r, false));
    assertThat(body)
        .startsWith("{\"model\":\"other\",\"messages\"")
        .contains("\"temperature\":0.0,\"max_completion_tokens\":100,\"top_p\":0.5,\"seed\":null")
        .doesNotContain("stream");
  }

  @Test
  void aValueJacksonCannotWriteIsAConfigurationError() {
    LmRequest r =
        LmRequest.builder(List.of(Message.user("q")))
            .extraBody(Map.of("bad", new Object()))
            .build();
    assertThatThrownBy(() -> ours("m", r, true))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("extraBody");
  }

  /** Seeded random requests: every combination of fields and clashes equals the reference. */
  @RepeatedTest(200)
  void randomRequestsEqualTheReference(RepetitionInfo info) throws Exception {
    var random = new Random(31_000L + info.getCurrentRepetition());
    var messages = new ArrayList<Message>();
    for (int i = random.nextInt(3) + 1; i > 0; i--) {
      messages.add(
          random.nextBoolean() ? Message.user("u" + random.nextInt()) : Message.assistant("a\t\""));
    }
    LmRequest.Builder b = LmRequest.builder(messages);
    if (random.nextBoolean()) {
      b.temperature(random.nextInt(20) / 10.0);
    }
    if (random.nextBoolean()) {
      b.maxTokens(16_000 + random.nextInt(1000));
    }
    if (random.nextBoolean()) {
      b.n(1 + random.nextInt(3));
    }
    if (random.nextBoolean()) {
      b.stop(List.of("\n\n", "END"));
    }
    if (random.nextBoolean()) {
      b.responseFormat(Map.of("type", "json_object"));
    }
    if (random.nextInt(3) == 0) {
      b.tools(
          List.of(
              Map.of(
                  "type",
                  "function",
                  "function",
                  Map.of("name", "f", "parameters", Map.of("type", "object")))));
      if (random.nextBoolean()) {
        b.toolChoice("auto");
      }
    }
    List<String> names =
        List.of(
            "model",
            "messages",
            "temperature",
            "max_tokens",
            "max_completion_tokens",
            "n",
            "stop",
            "response_format",
            "tools",
            "tool_choice",
            "stream",
            "stream_options",
            "top_p",
            "seed",
            "user",
            "logit_bias");
    var extra = new LinkedHashMap<String, Object>();
    for (int i = random.nextInt(5); i > 0; i--) {
      String name = names.get(random.nextInt(names.size()));
      Object value =
          switch (random.nextInt(5)) {
            case 0 -> random.nextInt(100);
            case 1 -> "v" + random.nextInt(10);
            case 2 -> List.of(1, "two", Map.of("three", 3));
            case 3 -> Map.of("k", random.nextBoolean());
            default -> 0.25;
          };
      extra.put(name, value);
    }
    b.extraBody(extra);
    LmRequest r = b.build();
    String model = random.nextBoolean() ? "gpt-4o-mini" : "gpt-5/openai";
    boolean stream = random.nextBoolean();
    assertThat(ours(model, r, stream)).isEqualTo(reference(model, r, stream));
  }
}
