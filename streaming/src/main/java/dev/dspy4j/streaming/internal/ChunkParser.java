package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.Usage;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code chat.completion.chunk} JSON payload with Jackson's streaming parser (no tree) and
 * turns it into {@link LmChunk}s: one per choice that carries text, reasoning or a finish reason (a
 * role-only delta yields none), or one usage chunk when {@code choices} is empty and {@code usage}
 * is present. Unknown fields are skipped. Stateless and thread-safe.
 */
public final class ChunkParser {

  /** What one payload turned out to be. */
  public enum Kind {
    /** Zero or more chunks were added to the output. */
    CHUNKS,
    /** The payload carries a non-null top-level {@code error}: the stream failed. */
    ERROR
  }

  private final JsonFactory factory;

  /** A parser creating its {@link JsonParser}s from {@code factory}. */
  public ChunkParser(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * Parses {@code data[0, length)} and appends its chunks to {@code out}.
   *
   * @throws IOException when the payload is not a JSON object
   */
  public Kind parse(byte[] data, int length, List<LmChunk> out) throws IOException {
    int firstChoice = out.size();
    Usage usage = null;
    boolean error = false;
    try (JsonParser p = factory.createParser(data, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "choices" -> {
            if (value == JsonToken.START_ARRAY) {
              while (p.nextToken() == JsonToken.START_OBJECT) {
                LmChunk chunk = readChoice(p);
                // A role-only delta carries nothing a subscriber can use; emitting it would also be
                // repeated by a transparent retry.
                if (!chunk.text().isEmpty() || chunk.reasoning().isPresent() || chunk.finishReason().isPresent()) {
                  out.add(chunk);
                }
              }
            } else {
              p.skipChildren();
            }
          }
          case "usage" -> usage = value == JsonToken.START_OBJECT ? readUsage(p) : null;
          case "error" -> {
            error = value != JsonToken.VALUE_NULL;
            p.skipChildren();
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("truncated JSON object");
      }
    }
    if (error) {
      while (out.size() > firstChoice) {
        out.remove(out.size() - 1);
      }
      return Kind.ERROR;
    }
    if (usage != null) {
      if (out.size() > firstChoice) { // usage sent on a choice chunk: keep it on the first choice
        LmChunk c = out.get(firstChoice);
        out.set(firstChoice, LmChunk.of(c.index(), c.text(), c.reasoning().orElse(null),
            c.finishReason().orElse(null), usage));
      } else {
        out.add(LmChunk.ofUsage(usage));
      }
    }
    return Kind.CHUNKS;
  }

  private static LmChunk readChoice(JsonParser p) throws IOException {
    int index = 0;
    String text = "";
    String reasoning = null;
    String finishReason = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
        case "finish_reason" -> finishReason = textOrNull(p, value);
        case "delta", "message" -> {
          if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String deltaField = p.currentName();
              JsonToken deltaValue = p.nextToken();
              switch (deltaField) {
                case "content" -> {
                  String content = textOrNull(p, deltaValue);
                  text = content == null ? "" : content;
                }
                case "reasoning", "reasoning_content" -> {
                  String r = textOrNull(p, deltaValue);
                  if (r != null) {
                    reasoning = r;
                  }
                }
                default -> p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return LmChunk.of(Math.max(index, 0), text, reasoning, finishReason, null);
  }

  private static Usage readUsage(JsonParser p) throws IOException {
    int prompt = 0;
    int completion = 0;
    int total = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NUMBER_INT) {
        switch (field) {
          case "prompt_tokens" -> prompt = Math.max(0, p.getIntValue());
          case "completion_tokens" -> completion = Math.max(0, p.getIntValue());
          case "total_tokens" -> total = Math.max(0, p.getIntValue());
          default -> { }
        }
      } else {
        p.skipChildren();
      }
    }
    return new Usage(prompt, completion, total < 0 ? prompt + completion : total);
  }

  private static @Nullable String textOrNull(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }
}
