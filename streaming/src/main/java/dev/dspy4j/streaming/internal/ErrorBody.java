package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The server's error message and code, read from any of the body shapes the Helicone gateway and
 * OpenAI-compatible servers send: {@code {"success":false,"error":{"code","message","details"}}},
 * {@code {"error":{"message","type","param","code"}}}, {@code {"error":"..."}}, {@code
 * {"message":"..."}}, or plain text. Only used on the (rare) error path, so a tree is fine here.
 *
 * @param message the human-readable message, if any
 * @param code the machine code ({@code rate_limited}, {@code insufficient_quota}, ...), if any
 * @param status a numeric status carried inside the body (some providers put one in error events),
 *     or 0
 */
public record ErrorBody(@Nullable String message, @Nullable String code, int status) {

  private static final int MAX_MESSAGE_CHARS = 2000;

  /** Parses {@code body[0, length)}; never fails. */
  public static ErrorBody parse(ObjectMapper mapper, byte[] body, int length) {
    if (length == 0) {
      return new ErrorBody(null, null, 0);
    }
    try {
      JsonNode root = mapper.readTree(body, 0, length);
      if (root != null && root.isObject()) {
        return fromObject(root);
      }
      if (root != null && root.isTextual()) {
        return new ErrorBody(clip(root.asText()), null, 0);
      }
    } catch (java.io.IOException notJson) {
      // Plain text bodies are expected (gateways, proxies): fall through.
    }
    String text = new String(body, 0, length, StandardCharsets.UTF_8).strip();
    return new ErrorBody(text.isEmpty() ? null : clip(text), null, 0);
  }

  private static ErrorBody fromObject(JsonNode root) {
    JsonNode error = root.get("error");
    if (error != null && error.isTextual()) {
      return new ErrorBody(clip(error.asText()), text(root.get("code")), status(root));
    }
    JsonNode holder = error != null && error.isObject() ? error : root;
    String message = text(holder.get("message"));
    if (message == null && holder.get("details") != null) {
      message = holder.get("details").toString();
    }
    String code = text(holder.get("code"));
    if (code == null) {
      code = text(holder.get("type"));
    }
    int status = Math.max(status(holder), status(root));
    if (message == null && holder != root) {
      message = holder.toString();
    }
    return new ErrorBody(message == null ? null : clip(message), code, status);
  }

  private static int status(JsonNode node) {
    for (String field : new String[] {"status", "code"}) {
      JsonNode n = node.get(field);
      if (n != null && n.canConvertToInt() && n.asInt() >= 100 && n.asInt() <= 599) {
        return n.asInt();
      }
    }
    return 0;
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isContainerNode()) {
      return null;
    }
    String s = node.asText();
    return s.isBlank() ? null : s;
  }

  private static String clip(String s) {
    return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
  }
}
