package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Python DSPy's {@code dspy.streaming.streaming_response} format, for frontends written against a
 * DSPy server: bare {@code data:} lines, each a JSON object with one key.
 *
 * <ul>
 *   <li>{@code {"chunk": {...}}} per field chunk: an OpenAI-style {@code chat.completion.chunk}
 *       whose {@code choices[0].delta.content} is the chunk's text (DSPy puts the LM's own stream
 *       chunk here). Which field it belongs to is in {@code provider_specific_fields} (a field
 *       litellm's stream chunks have), named as in DSPy's {@code StreamResponse}: {@code
 *       signature_field_name}, {@code is_last_chunk}, {@code predict_name} (the module path);
 *   <li>{@code {"prediction": {...}}}: the final prediction's fields, then {@code data: [DONE]};
 *   <li>status messages are not sent: DSPy's {@code streaming_response} rejects {@code
 *       StatusMessage} values;
 *   <li>a failure is {@code {"error": {"type","message"}}} and the stream ends <em>without</em>
 *       {@code [DONE]}, as a failing DSPy server's stream ends early.
 * </ul>
 */
final class DspyStreamingResponse implements RelayFormat {

  static final DspyStreamingResponse INSTANCE = new DspyStreamingResponse(Clock.systemUTC());

  private final Clock clock;

  private DspyStreamingResponse(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Map<String, String> headers() {
    return Map.of();
  }

  @Override
  public Writer open() {
    String id = "chatcmpl-" + UUID.randomUUID();
    long created = clock.instant().getEpochSecond();
    return new Writer() {
      @Override
      public List<SseFrame> begin() {
        return List.of();
      }

      @Override
      public List<SseFrame> event(StreamEvent event) {
        if (event instanceof FieldChunk c) {
          return List.of(line(Map.of("chunk", chunk(id, created, c))));
        }
        if (event instanceof Status) {
          return List.of();
        }
        if (event instanceof Done d) {
          return List.of(line(Map.of("prediction", d.prediction().fields())));
        }
        throw new IllegalArgumentException(
            "unknown stream event type " + event.getClass().getName());
      }

      @Override
      public List<SseFrame> end() {
        return List.of(SseFrame.data("[DONE]"));
      }

      @Override
      public List<SseFrame> error(String type, String message) {
        var error = new LinkedHashMap<String, Object>();
        error.put("type", type);
        error.put("message", message);
        return List.of(line(Map.of("error", error)));
      }
    };
  }

  private static Map<String, Object> chunk(String id, long created, FieldChunk c) {
    var delta = new LinkedHashMap<String, Object>();
    delta.put("content", c.text());
    var choice = new LinkedHashMap<String, Object>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", null);
    var fieldInfo = new LinkedHashMap<String, Object>();
    fieldInfo.put("predict_name", c.path());
    fieldInfo.put("signature_field_name", c.field());
    fieldInfo.put("is_last_chunk", c.last());
    var chunk = new LinkedHashMap<String, Object>();
    chunk.put("id", id);
    chunk.put("created", created);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("choices", List.of(choice));
    chunk.put("provider_specific_fields", fieldInfo);
    return chunk;
  }

  private static SseFrame line(Map<String, Object> data) {
    return SseFrame.data(RelayJson.write(data));
  }

  @Override
  public String toString() {
    return "DSPy streaming_response";
  }
}
