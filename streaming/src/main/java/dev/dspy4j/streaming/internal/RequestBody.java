package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON body of {@code POST /chat/completions}, built only from the model and the effective
 * request. Extra body fields come after the standard ones and replace them on a name clash (DSPy
 * lets {@code extra_body} through the same way), except {@code stream} and {@code stream_options},
 * which this client controls. {@code rollout_id} and {@code cache} are never sent.
 *
 * <p>Written straight to a JSON generator, field by field, in the order and with the bytes a {@code
 * LinkedHashMap} of the standard fields with the extra fields put over them would serialise to (an
 * extra field replacing a standard one keeps the standard one's place); only values that are not
 * strings or numbers (response format, tools, tool choice, stop list, extra values) go through the
 * object mapper.
 */
public final class RequestBody {

  /** Fields this client writes last and never takes from the extra body. */
  private static final Set<String> CONTROLLED = Set.of("stream", "stream_options");

  private RequestBody() {}

  /**
   * @throws LmConfigurationException when an extra body value cannot be written as JSON
   */
  public static byte[] json(
      ObjectMapper mapper, String model, LmRequest effective, boolean stream) {
    Map<String, Object> extra = effective.extraBody();
    var out = new ByteArrayOutputStream(256 + 64 * effective.messages().size());
    try (JsonGenerator g = mapper.createGenerator(out)) {
      var body = new Writer(g, extra);
      g.writeStartObject();
      if (!body.extraOverrides("model")) {
        g.writeStringField("model", model);
      }
      if (!body.extraOverrides("messages")) {
        g.writeArrayFieldStart("messages");
        for (Message m : effective.messages()) {
          g.writeStartObject();
          g.writeStringField("role", m.role());
          g.writeStringField("content", m.content());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (effective.temperature().isPresent() && !body.extraOverrides("temperature")) {
        g.writeNumberField("temperature", effective.temperature().getAsDouble());
      }
      String maxTokens =
          ReasoningModels.isReasoningModel(model) ? "max_completion_tokens" : "max_tokens";
      if (effective.maxTokens().isPresent() && !body.extraOverrides(maxTokens)) {
        g.writeNumberField(maxTokens, effective.maxTokens().getAsInt());
      }
      if (effective.n().isPresent() && !body.extraOverrides("n")) {
        g.writeNumberField("n", effective.n().getAsInt());
      }
      if (!effective.stop().isEmpty() && !body.extraOverrides("stop")) {
        body.writeValue("stop", effective.stop());
      }
      if (effective.responseFormat().isPresent() && !body.extraOverrides("response_format")) {
        body.writeValue("response_format", effective.responseFormat().get());
      }
      if (!effective.tools().isEmpty() && !body.extraOverrides("tools")) {
        body.writeValue("tools", effective.tools());
      }
      if (effective.toolChoice().isPresent() && !body.extraOverrides("tool_choice")) {
        body.writeValue("tool_choice", effective.toolChoice().get());
      }
      for (Map.Entry<String, Object> e : extra.entrySet()) {
        if (!body.written(e.getKey()) && !CONTROLLED.contains(e.getKey())) {
          body.writeValue(e.getKey(), e.getValue());
        }
      }
      if (stream) {
        g.writeBooleanField("stream", true);
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new LmConfigurationException(
          "the request body cannot be written as JSON (check the extraBody "
              + "values: use maps, lists, strings, numbers, booleans or records): "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    return out.toByteArray();
  }

  /**
   * The fields written so far that the extra body also has: each is written once, in the standard
   * field's place, with the extra body's value.
   */
  private static final class Writer {
    private final JsonGenerator g;
    private final Map<String, Object> extra;
    private @Nullable Set<String> overridden;

    Writer(JsonGenerator g, Map<String, Object> extra) {
      this.g = g;
      this.extra = extra;
    }

    /**
     * True (the field written with the extra body's value) when the extra body has {@code name}.
     */
    boolean extraOverrides(String name) throws IOException {
      if (extra.isEmpty() || !extra.containsKey(name)) {
        return false;
      }
      writeValue(name, extra.get(name));
      if (overridden == null) {
        overridden = new HashSet<>();
      }
      overridden.add(name);
      return true;
    }

    /** True when the extra body's {@code name} was written in a standard field's place. */
    boolean written(String name) {
      return overridden != null && overridden.contains(name);
    }

    void writeValue(String name, @Nullable Object value) throws IOException {
      g.writeFieldName(name);
      g.writeObject(value);
    }
  }
}
