package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The Vercel AI SDK's UI message stream, protocol {@code v1} (response header {@value #HEADER}:
 * {@value #VERSION}), as read by {@code useChat}, {@code DefaultChatTransport} and {@code
 * readUIMessageStream} of the {@code ai} package (checked against {@code ai} 7). Every frame is a
 * bare {@code data:} line with one JSON chunk:
 *
 * <ul>
 *   <li>{@code start} (with a fresh {@code messageId}) and {@code start-step} at once;
 *   <li>chunks of the reasoning fields ({@code reasoning} by default) as {@code reasoning-start},
 *       {@code reasoning-delta}..., {@code reasoning-end}; chunks of the text fields ({@code
 *       answer} by default) as {@code text-start}, {@code text-delta}..., {@code text-end}: one
 *       part per field and module path;
 *   <li>chunks of any other field as transient {@code data-field} parts ({@code {"field","text",
 *       "last"}} plus {@code "path"} when not empty): seen by {@code onData}, not kept in the
 *       message;
 *   <li>status messages as {@code data-status} parts ({@code {"message"}});
 *   <li>the final prediction as a {@code data-prediction} part (id {@code prediction}) holding its
 *       fields, then {@code finish-step}, {@code finish} ({@code finishReason: "stop"}) and {@code
 *       data: [DONE]};
 *   <li>a failure as an {@code error} part ({@code errorText} without credentials), then {@code
 *       finish} ({@code finishReason: "error"}) and {@code data: [DONE]}.
 * </ul>
 *
 * Immutable: the {@code with...} methods return a new format.
 */
public final class AiSdkUiMessageStream implements RelayFormat {

  /** The response header that tells the AI SDK which stream protocol the body speaks. */
  public static final String HEADER = "x-vercel-ai-ui-message-stream";

  /** The protocol version this format writes. */
  public static final String VERSION = "v1";

  /** The end marker after the last chunk. */
  static final String DONE_MARKER = "[DONE]";

  private final Set<String> reasoningFields;
  private final Set<String> textFields;

  private AiSdkUiMessageStream(Set<String> reasoningFields, Set<String> textFields) {
    this.reasoningFields = reasoningFields;
    this.textFields = textFields;
  }

  /** {@code reasoning} as reasoning parts, {@code answer} as text parts. */
  public static AiSdkUiMessageStream create() {
    return new AiSdkUiMessageStream(Set.of("reasoning"), Set.of("answer"));
  }

  /** This format, sending these output fields (none is allowed) as reasoning parts. */
  public AiSdkUiMessageStream withReasoningFields(String... fields) {
    Set<String> chosen = fieldSet(fields, "reasoning");
    requireDisjoint(chosen, textFields);
    return new AiSdkUiMessageStream(chosen, textFields);
  }

  /** This format, sending these output fields as text parts (for example the answer). */
  public AiSdkUiMessageStream withTextFields(String... fields) {
    Set<String> chosen = fieldSet(fields, "text");
    requireDisjoint(reasoningFields, chosen);
    return new AiSdkUiMessageStream(reasoningFields, chosen);
  }

  /** The fields sent as reasoning parts. */
  public Set<String> reasoningFields() {
    return reasoningFields;
  }

  /** The fields sent as text parts. */
  public Set<String> textFields() {
    return textFields;
  }

  @Override
  public Map<String, String> headers() {
    return Map.of(HEADER, VERSION);
  }

  @Override
  public Writer open() {
    return new StreamWriter();
  }

  private static Set<String> fieldSet(String[] fields, String kind) {
    Objects.requireNonNull(fields, kind + " fields");
    for (String f : fields) {
      if (f == null || f.isBlank()) {
        throw new IllegalArgumentException(kind + " field names must not be null or blank");
      }
    }
    return Set.of(fields); // rejects duplicates with a clear message
  }

  private static void requireDisjoint(Set<String> reasoning, Set<String> text) {
    for (String f : reasoning) {
      if (text.contains(f)) {
        throw new IllegalArgumentException(
            "field '" + f + "' cannot be both a reasoning field and a text field");
      }
    }
  }

  private final class StreamWriter implements Writer {

    /** Open reasoning or text parts by field and path, in opening order. */
    private final Map<String, OpenPart> open = new LinkedHashMap<>();

    private int partIds;

    private record OpenPart(String kind, String id) {}

    @Override
    public List<SseFrame> begin() {
      return List.of(chunk("start", "messageId", "msg-" + UUID.randomUUID()), chunk("start-step"));
    }

    @Override
    public List<SseFrame> event(StreamEvent event) {
      var out = new ArrayList<SseFrame>(3);
      if (event instanceof FieldChunk c) {
        String kind =
            reasoningFields.contains(c.field())
                ? "reasoning"
                : textFields.contains(c.field()) ? "text" : null;
        if (kind == null) {
          out.add(dataFieldPart(c));
          return out;
        }
        String key = c.path() + '\u0000' + c.field();
        OpenPart part = open.get(key);
        if (part == null) {
          part = new OpenPart(kind, kind + "-" + (++partIds));
          open.put(key, part);
          out.add(chunk(kind + "-start", "id", part.id()));
        }
        if (!c.text().isEmpty()) {
          out.add(chunk(kind + "-delta", "id", part.id(), "delta", c.text()));
        }
        if (c.last()) {
          open.remove(key);
          out.add(end(part));
        }
      } else if (event instanceof Status s) {
        out.add(chunk("data-status", "data", Map.of("message", s.message())));
      } else if (event instanceof Done d) {
        closeOpenParts(out);
        out.add(chunk("data-prediction", "id", "prediction", "data", d.prediction().fields()));
      } else {
        throw new IllegalArgumentException(
            "unknown stream event type " + event.getClass().getName());
      }
      return out;
    }

    @Override
    public List<SseFrame> end() {
      return List.of(
          chunk("finish-step"),
          chunk("finish", "finishReason", "stop"),
          SseFrame.data(DONE_MARKER));
    }

    @Override
    public List<SseFrame> error(String type, String message) {
      var out = new ArrayList<SseFrame>();
      closeOpenParts(out);
      out.add(chunk("error", "errorText", type + ": " + message));
      out.add(chunk("finish", "finishReason", "error"));
      out.add(SseFrame.data(DONE_MARKER));
      return out;
    }

    private void closeOpenParts(List<SseFrame> out) {
      open.values().forEach(part -> out.add(end(part)));
      open.clear();
    }

    private SseFrame end(OpenPart part) {
      return chunk(part.kind() + "-end", "id", part.id());
    }

    private SseFrame dataFieldPart(FieldChunk c) {
      var data = new LinkedHashMap<String, Object>();
      data.put("field", c.field());
      data.put("text", c.text());
      data.put("last", c.last());
      if (!c.path().isEmpty()) data.put("path", c.path());
      return chunk("data-field", "data", data, "transient", true);
    }
  }

  /** One UI message chunk: {@code type} first, then the given key/value pairs in order. */
  private static SseFrame chunk(String type, Object... keyValues) {
    var fields = new LinkedHashMap<String, Object>();
    fields.put("type", type);
    for (int i = 0; i < keyValues.length; i += 2) {
      fields.put((String) keyValues[i], keyValues[i + 1]);
    }
    return SseFrame.data(RelayJson.write(fields));
  }

  @Override
  public String toString() {
    return "AI SDK UI message stream "
        + VERSION
        + " [reasoning="
        + reasoningFields
        + ", text="
        + textFields
        + "]";
  }
}
