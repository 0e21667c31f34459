package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code POST /chat/completions}, built only from the model and the effective
 * request. Extra body fields come after the standard ones and replace them on a name clash (DSPy
 * lets {@code extra_body} through the same way), except {@code stream} and {@code stream_options},
 * which this client controls. {@code rollout_id} and {@code cache} are never sent.
 */
public final class RequestBody {

  private RequestBody() {}

  /**
   * @throws LmConfigurationException when an extra body value cannot be written as JSON
   */
  public static byte[] json(
      ObjectMapper mapper, String model, LmRequest effective, boolean stream) {
    var body = new LinkedHashMap<String, Object>();
    body.put("model", model);
    List<Map<String, String>> messages = new ArrayList<>(effective.messages().size());
    for (Message m : effective.messages()) {
      var message = new LinkedHashMap<String, String>();
      message.put("role", m.role());
      message.put("content", m.content());
      messages.add(message);
    }
    body.put("messages", messages);
    effective.temperature().ifPresent(t -> body.put("temperature", t));
    effective
        .maxTokens()
        .ifPresent(
            t ->
                body.put(
                    ReasoningModels.isReasoningModel(model)
                        ? "max_completion_tokens"
                        : "max_tokens",
                    t));
    effective.n().ifPresent(n -> body.put("n", n));
    if (!effective.stop().isEmpty()) {
      body.put("stop", effective.stop());
    }
    effective.responseFormat().ifPresent(f -> body.put("response_format", f));
    if (!effective.tools().isEmpty()) {
      body.put("tools", effective.tools());
    }
    effective.toolChoice().ifPresent(c -> body.put("tool_choice", c));
    body.putAll(effective.extraBody());
    body.remove("stream");
    body.remove("stream_options");
    if (stream) {
      body.put("stream", true);
      body.put("stream_options", Map.of("include_usage", true));
    }
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new LmConfigurationException(
          "the request body cannot be written as JSON (check the extraBody "
              + "values: use maps, lists, strings, numbers, booleans or records): "
              + e.getOriginalMessage());
    }
  }
}
