package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the body the AI SDK's DefaultChatTransport sends, and the default input mapping. */
class AiSdkChatRequestTest {

  // The shape HttpChatTransport.sendMessages builds: {...body, id, messages, trigger, messageId}.
  private static final String BODY =
      """
      {"temperature":0.2,"id":"chat-7","messages":[
        {"id":"u1","role":"user","parts":[{"type":"text","text":"Where is "},{"type":"text","text":"Kinnairdy?"}]},
        {"id":"a1","role":"assistant","parts":[{"type":"step-start"},{"type":"reasoning","text":"hm","state":"done"},
          {"type":"text","text":"In Scotland.","state":"done"},{"type":"data-prediction","id":"prediction","data":{"answer":"In Scotland."}}]},
        {"id":"u2","role":"user","parts":[{"type":"file","mediaType":"image/png","url":"data:,"},{"type":"text","text":"  How many floors?  "}],
         "metadata":{"k":1}}],
       "trigger":"submit-message"}
      """;

  @Test
  void readsTheTransportsBody() {
    AiSdkChatRequest request = AiSdkChatRequest.parse(BODY);

    assertThat(request.id()).isEqualTo("chat-7");
    assertThat(request.trigger()).isEqualTo("submit-message");
    assertThat(request.messageId()).isEmpty();
    assertThat(request.messages())
        .extracting(AiSdkChatRequest.Message::role)
        .containsExactly("user", "assistant", "user");
    assertThat(request.messages().get(0).text()).isEqualTo("Where is Kinnairdy?");
    assertThat(request.messages().get(1).texts()).containsExactly("In Scotland.");
    assertThat(request.extra()).containsOnlyKeys("temperature");
    assertThat(request.extra().get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(request.toString()).doesNotContain("Kinnairdy").contains("messages=3");
  }

  @Test
  void theDefaultMappingAnswersTheLastUserMessage() {
    var inputs =
        AiSdkInputMapping.lastUserMessageAs("question").inputs(AiSdkChatRequest.parse(BODY));
    assertThat(inputs).isEqualTo(Map.of("question", "How many floors?"));
  }

  @Test
  void badBodiesAreTypedErrorsThatSayWhatIsWrong() {
    assertThatThrownBy(() -> AiSdkChatRequest.parse("[1]"))
        .isInstanceOf(InvalidChatRequestException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(
            () -> AiSdkChatRequest.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isInstanceOf(InvalidChatRequestException.class)
        .hasMessageContaining("messages[0]")
        .hasMessageContaining("'parts'");
    assertThatThrownBy(() -> AiSdkChatRequest.parse("{\"messages\":[{\"parts\":[]}]}"))
        .isInstanceOf(InvalidChatRequestException.class)
        .hasMessageContaining("'role'");
    assertThatThrownBy(
            () ->
                AiSdkChatRequest.parse(
                    "{\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":1}]}]}"))
        .isInstanceOf(InvalidChatRequestException.class)
        .hasMessageContaining("'text'");
    var noText =
        AiSdkChatRequest.parse(
            "{\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"  \"}]}]}");
    assertThatThrownBy(() -> AiSdkInputMapping.lastUserMessageAs("question").inputs(noText))
        .isInstanceOf(InvalidChatRequestException.class)
        .hasMessageContaining("no text");
    assertThatThrownBy(() -> AiSdkInputMapping.lastUserMessageAs(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
