package dev.dspy4j.streaming.relay;

import java.util.Map;
import java.util.Objects;

/**
 * Turns an AI SDK chat request into a module's inputs. The default, {@link #lastUserMessageAs},
 * answers the latest user message; replace it to pass the history, a system prompt or fields the
 * client added with the transport's {@code body} option.
 */
@FunctionalInterface
public interface AiSdkInputMapping {

  /**
   * The module's inputs for this request.
   *
   * @throws InvalidChatRequestException when the request lacks what the module needs
   */
  Map<String, Object> inputs(AiSdkChatRequest request);

  /**
   * The text of the last user message as the input field {@code inputField} (for {@code question ->
   * answer}: {@code lastUserMessageAs("question")}). Rejects a request without a user message or
   * whose last user message has no text.
   */
  static AiSdkInputMapping lastUserMessageAs(String inputField) {
    Objects.requireNonNull(inputField, "inputField");
    if (inputField.isBlank()) {
      throw new IllegalArgumentException("the input field name must not be blank");
    }
    return request -> {
      String text =
          request
              .lastUserMessage()
              .orElseThrow(() -> new InvalidChatRequestException("the chat has no user message"))
              .text()
              .strip();
      if (text.isEmpty()) {
        throw new InvalidChatRequestException("the last user message has no text");
      }
      return Map.of(inputField, text);
    };
  }
}
