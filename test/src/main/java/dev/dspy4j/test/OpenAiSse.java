package dev.dspy4j.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * OpenAI chat-completions bodies for scripted test servers: SSE chunk events exactly as the OpenAI
 * API and the Helicone AI Gateway send them (a role chunk, content deltas, the finish reason, a
 * usage chunk with empty {@code choices}, {@code data: [DONE]}) and non-streamed JSON completions.
 *
 * <pre>{@code
 * String body = OpenAiSse.stream("Hel", "lo");        // the whole SSE body of a two-token answer
 * String json = OpenAiSse.completion("Hello");        // a non-streamed chat.completion
 * }</pre>
 */
public final class OpenAiSse {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OpenAiSse() {}

  /** A JSON string literal. */
  public static String json(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code data: <payload>\n\n}. */
  public static String event(String payload) {
    return "data: " + payload + "\n\n";
  }

  /** The role-only first chunk. */
  public static String roleChunk() {
    return event(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
  }

  /** A content delta of choice 0. */
  public static String text(String text) {
    return text(0, text);
  }

  /** A content delta of choice {@code index}. */
  public static String text(int index, String text) {
    return event(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":"
            + index
            + ",\"delta\":{\"content\":"
            + json(text)
            + "},\"finish_reason\":null}]}");
  }

  /** The chunk that ends choice 0. */
  public static String finish(String reason) {
    return event(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":"
            + json(reason)
            + "}]}");
  }

  /** The usage-only chunk ({@code "choices": []}). */
  public static String usage(int prompt, int completion) {
    return event(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
            + prompt
            + ",\"completion_tokens\":"
            + completion
            + ",\"total_tokens\":"
            + (prompt + completion)
            + "}}");
  }

  /** {@code data: [DONE]}. */
  public static String done() {
    return event("[DONE]");
  }

  /** A complete stream: role chunk, one delta per text, finish "stop", usage, [DONE]. */
  public static String stream(String... texts) {
    var sb = new StringBuilder(roleChunk());
    for (String t : texts) {
      sb.append(text(t));
    }
    return sb.append(finish("stop")).append(usage(10, texts.length)).append(done()).toString();
  }

  /** A non-streamed chat.completion body with one choice per text. */
  public static String completion(String... texts) {
    var sb =
        new StringBuilder(
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[");
    List<String> list = List.of(texts);
    for (int i = 0; i < list.size(); i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"message\":{\"role\":\"assistant\",\"content\":")
          .append(json(list.get(i)))
          .append("},\"finish_reason\":\"stop\"}");
    }
    return sb.append(
            "],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}")
        .toString();
  }
}
