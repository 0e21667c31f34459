package dev.dspy4j.streaming.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The body the Vercel AI SDK's {@code DefaultChatTransport} POSTs ({@code useChat}'s default): the
 * chat id, the UI messages so far, the trigger ({@code submit-message} or {@code
 * regenerate-message}), the message id being regenerated, and any extra fields the client added
 * with the transport's {@code body} option.
 *
 * @param id the chat id
 * @param messages the conversation, oldest first
 * @param trigger {@code submit-message} or {@code regenerate-message} (empty when absent)
 * @param messageId the id of the message to regenerate, when there is one
 * @param extra the body's other top-level fields, as JSON values
 */
public record AiSdkChatRequest(
    String id,
    List<Message> messages,
    String trigger,
    Optional<String> messageId,
    Map<String, JsonNode> extra) {

  /** Copies the lists and rejects nulls. */
  public AiSdkChatRequest {
    Objects.requireNonNull(id, "id");
    messages = List.copyOf(messages);
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(messageId, "messageId");
    extra = Map.copyOf(extra);
  }

  /**
   * One UI message: its id, role ({@code user}, {@code assistant} or {@code system}) and the text
   * of its {@code text} parts, in order (other parts, such as reasoning, files or data, are not
   * kept).
   *
   * @param id the message id
   * @param role the role
   * @param texts the texts of the message's text parts
   */
  public record Message(String id, String role, List<String> texts) {
    /** Copies the list and rejects nulls. */
    public Message {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(role, "role");
      texts = List.copyOf(texts);
    }

    /** The message's text: its text parts joined without a separator. */
    public String text() {
      return String.join("", texts);
    }
  }

  /** The last message with role {@code user}, if any. */
  public Optional<Message> lastUserMessage() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user")) return Optional.of(messages.get(i));
    }
    return Optional.empty();
  }

  /**
   * Reads a request body.
   *
   * @throws InvalidChatRequestException when the body is not a JSON object with a {@code messages}
   *     array of objects with a string {@code role} and a {@code parts} array
   */
  public static AiSdkChatRequest parse(String body) {
    Objects.requireNonNull(body, "body");
    JsonNode root;
    try {
      root = RelayJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new InvalidChatRequestException("the chat request body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidChatRequestException("the chat request body must be a JSON object");
    }
    JsonNode messagesNode = root.get("messages");
    if (messagesNode == null || !messagesNode.isArray()) {
      throw new InvalidChatRequestException(
          "the chat request body needs a 'messages' array (as the AI SDK's DefaultChatTransport sends)");
    }
    var messages = new ArrayList<Message>(messagesNode.size());
    for (int i = 0; i < messagesNode.size(); i++) {
      messages.add(message(messagesNode.get(i), i));
    }
    var extra = new LinkedHashMap<String, JsonNode>();
    ((ObjectNode) root)
        .properties()
        .forEach(
            e -> {
              if (!List.of("id", "messages", "trigger", "messageId").contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
              }
            });
    return new AiSdkChatRequest(
        text(root.get("id")).orElse(""),
        messages,
        text(root.get("trigger")).orElse(""),
        text(root.get("messageId")),
        extra);
  }

  private static Message message(JsonNode node, int index) {
    if (!node.isObject()) {
      throw new InvalidChatRequestException("messages[" + index + "] must be an object");
    }
    String role =
        text(node.get("role"))
            .orElseThrow(
                () ->
                    new InvalidChatRequestException(
                        "messages[" + index + "] needs a string 'role'"));
    JsonNode parts = node.get("parts");
    if (parts == null || !parts.isArray()) {
      throw new InvalidChatRequestException(
          "messages[" + index + "] needs a 'parts' array (AI SDK 5 or later UI messages)");
    }
    var texts = new ArrayList<String>();
    for (JsonNode part : parts) {
      if (part.isObject() && "text".equals(part.path("type").asText())) {
        texts.add(
            text(part.get("text"))
                .orElseThrow(
                    () ->
                        new InvalidChatRequestException(
                            "a text part of messages[" + index + "] needs a string 'text'")));
      }
    }
    return new Message(text(node.get("id")).orElse(""), role, texts);
  }

  private static Optional<String> text(@Nullable JsonNode node) {
    return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
  }

  @Override
  public String toString() {
    // The conversation may be private: only its shape is printed.
    return "AiSdkChatRequest[id="
        + id
        + ", messages="
        + messages.size()
        + ", trigger="
        + trigger
        + "]";
  }
}
