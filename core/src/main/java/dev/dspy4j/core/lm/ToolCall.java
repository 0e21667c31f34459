package dev.dspy4j.core.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One complete function call an LM asked for with native function calling (an item of OpenAI's
 * {@code message.tool_calls}, DSPy's {@code ToolCalls.ToolCall}): the provider's call id, the
 * function name and the arguments as the JSON object text the LM wrote.
 *
 * <p>Instances made by the LM client were checked with {@link #checked}: the name is present and
 * the arguments are a JSON object, so {@link #parsedArguments()} does not fail for them.
 *
 * @param id the provider's call id ({@code call_...}), null when the provider sent none
 * @param name the function (tool) name
 * @param arguments the arguments as a JSON object text ({@code "{}"} when there are none)
 */
public record ToolCall(@Nullable String id, String name, String arguments) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public ToolCall {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(arguments, "arguments must not be null");
  }

  /**
   * A call whose name is present and whose arguments are one JSON object (blank arguments become
   * {@code "{}"}, as providers send for a function without parameters).
   *
   * @param position the call's index in its message, for the error message
   * @throws MalformedToolCallException when the name is missing or the arguments are not a JSON
   *     object
   */
  public static ToolCall checked(
      int position, @Nullable String id, @Nullable String name, @Nullable String arguments) {
    String where = "tool call " + position + (id == null ? "" : " (id " + id + ")");
    if (name == null || name.isEmpty()) {
      throw new MalformedToolCallException("the LM's " + where + " has no function name");
    }
    String args = arguments == null || arguments.isBlank() ? "{}" : arguments;
    objectOrThrow(where + " to '" + name + "'", args);
    return new ToolCall(id, name, args);
  }

  /** The provider's call id, when it sent one. */
  public Optional<String> callId() {
    return Optional.ofNullable(id);
  }

  /**
   * The arguments as a map (JSON objects as maps, arrays as lists, numbers as
   * Integer/Long/Double...).
   *
   * @throws MalformedToolCallException when the arguments are not a JSON object
   */
  public Map<String, Object> parsedArguments() {
    JsonNode node = objectOrThrow("tool call to '" + name + "'", arguments);
    return JSON.convertValue(node, new TypeReference<Map<String, Object>>() {});
  }

  /** DSPy's {@code ToolCall.format()}: {@code {"name": ..., "args": {...}}}. */
  public Map<String, Object> format() {
    return Map.of("name", name, "args", parsedArguments());
  }

  private static JsonNode objectOrThrow(String what, String arguments) {
    JsonNode node;
    try {
      node = JSON.readTree(arguments);
    } catch (JsonProcessingException e) {
      throw new MalformedToolCallException(
          "the arguments of the LM's "
              + what
              + " are not valid JSON ("
              + e.getOriginalMessage()
              + "): "
              + sample(arguments));
    }
    if (node == null || !node.isObject()) {
      throw new MalformedToolCallException(
          "the arguments of the LM's " + what + " are not a JSON object: " + sample(arguments));
    }
    return node;
  }

  private static String sample(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
