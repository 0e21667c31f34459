package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiSseTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStreamIsRoleChunkDeltasFinishUsageAndDone() throws Exception {
    List<SseParser.Event> events = SseParser.parse(OpenAiSse.stream("Hel", "lo \"you\"")).events();

    assertThat(events).hasSize(6).allSatisfy(e -> assertThat(e.type()).isEqualTo("message"));
    assertThat(JSON.readTree(events.get(0).data()).at("/choices/0/delta/role").asText())
        .isEqualTo("assistant");
    assertThat(JSON.readTree(events.get(1).data()).at("/choices/0/delta/content").asText())
        .isEqualTo("Hel");
    assertThat(JSON.readTree(events.get(2).data()).at("/choices/0/delta/content").asText())
        .isEqualTo("lo \"you\"");
    assertThat(JSON.readTree(events.get(3).data()).at("/choices/0/finish_reason").asText())
        .isEqualTo("stop");
    JsonNode usage = JSON.readTree(events.get(4).data());
    assertThat(usage.path("choices").isEmpty()).isTrue();
    assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(12);
    assertThat(events.get(5).data()).isEqualTo("[DONE]");
  }

  @Test
  void aCompletionHasOneChoicePerText() throws Exception {
    JsonNode completion = JSON.readTree(OpenAiSse.completion("a", "b"));

    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.at("/choices/1/message/content").asText()).isEqualTo("b");
    assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }
}
