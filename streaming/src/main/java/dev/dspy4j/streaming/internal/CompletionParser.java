package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ToolCall;
import dev.dspy4j.core.lm.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a non-streamed {@code chat.completion} body into an {@link LmResponse}: one text per choice
 * in {@code index} order, usage, the finish reason of choice 0 and the model. A body with a
 * top-level {@code error} or without choices is reported as such. Each choice's {@code
 * message.tool_calls} become its {@link ToolCall}s (a call without a name or with arguments that
 * are not a JSON object is a {@link dev.dspy4j.core.lm.MalformedToolCallException}). (One tree per
 * response: not the hot path.)
 */
public final class CompletionParser {

  /** What the body held. */
  public sealed interface Result permits Completion, ErrorInBody {}

  /** A normal completion. */
  public record Completion(LmResponse response) implements Result {}

  /** A 2xx body that is an error envelope. */
  public record ErrorInBody(ErrorBody error) implements Result {}

  private CompletionParser() {}

  /**
   * @throws IOException when the body is not a JSON object with a {@code choices} array
   */
  public static Result parse(ObjectMapper mapper, byte[] body, int length, Headers headers)
      throws IOException {
    JsonNode root = mapper.readTree(body, 0, length);
    if (root == null || !root.isObject()) {
      throw new IOException("the body is not a JSON object");
    }
    JsonNode error = root.get("error");
    if (error != null && !error.isNull()) {
      return new ErrorInBody(ErrorBody.parse(mapper, body, length));
    }
    JsonNode choices = root.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      throw new IOException("the body has no choices");
    }
    var byIndex = new TreeMap<Integer, JsonNode>();
    int position = 0;
    for (JsonNode choice : choices) {
      JsonNode index = choice.get("index");
      byIndex.put(index != null && index.canConvertToInt() ? index.asInt() : position, choice);
      position++;
    }
    List<String> texts = new ArrayList<>(byIndex.size());
    for (JsonNode choice : byIndex.values()) {
      JsonNode content = choice.path("message").get("content");
      texts.add(content == null || content.isNull() ? "" : content.asText());
    }
    JsonNode first = byIndex.firstEntry().getValue();
    JsonNode finish = first.get("finish_reason");
    JsonNode model = root.get("model");
    var builder = LmResponse.builder(texts);
    int choice = 0;
    for (JsonNode c : byIndex.values()) {
      JsonNode calls = c.path("message").get("tool_calls");
      if (calls != null && calls.isArray() && !calls.isEmpty()) {
        builder.toolCalls(choice, toolCalls(calls));
      }
      choice++;
    }
    return new Completion(
        builder
            .usage(usage(root.get("usage")))
            .finishReason(finish == null || finish.isNull() ? null : finish.asText())
            .model(model == null || model.isNull() ? null : model.asText())
            .headers(headers)
            .build());
  }

  private static List<ToolCall> toolCalls(JsonNode calls) {
    var out = new ArrayList<ToolCall>(calls.size());
    int position = 0;
    for (JsonNode call : calls) {
      JsonNode function = call.path("function");
      JsonNode id = call.get("id");
      JsonNode name = function.get("name");
      JsonNode arguments = function.get("arguments");
      out.add(
          ToolCall.checked(
              position++,
              id != null && id.isTextual() ? id.textValue() : null,
              name != null && name.isTextual() ? name.textValue() : null,
              arguments == null || arguments.isNull()
                  ? null
                  : arguments.isTextual() ? arguments.textValue() : arguments.toString()));
    }
    return out;
  }

  private static Usage usage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return Usage.ZERO;
    }
    int prompt = Math.max(0, usage.path("prompt_tokens").asInt(0));
    int completion = Math.max(0, usage.path("completion_tokens").asInt(0));
    JsonNode total = usage.get("total_tokens");
    return new Usage(
        prompt,
        completion,
        total != null && total.canConvertToInt()
            ? Math.max(0, total.asInt())
            : prompt + completion);
  }
}
