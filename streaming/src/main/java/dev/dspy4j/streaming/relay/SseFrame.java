package dev.dspy4j.streaming.relay;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event as written on a {@code text/event-stream}: an event (name, data and an
 * optional id) or a comment line (a heartbeat). The components map one to one onto Spring's {@code
 * ServerSentEvent} builder ({@code id}, {@code event}, {@code data}, {@code comment}), so a WebFlux
 * controller can return {@code relay.frames(events).map(f -> ServerSentEvent.builder(f.data())...)}
 * without this library depending on Spring.
 *
 * @param id the event id, or null when the event has none (always null on a comment)
 * @param event the event name ({@code field}, {@code status}, {@code done}, {@code error} in the
 *     relay's own format), or null on a comment and on an unnamed event
 * @param data the event data (JSON text for the relay's events), or null on a comment
 * @param comment the comment text, or null on an event
 */
public record SseFrame(
    @Nullable String id, @Nullable String event, @Nullable String data, @Nullable String comment) {

  /** The comment a relay sends when its stream has been idle (a heartbeat keeps proxies open). */
  public static final SseFrame KEEP_ALIVE = comment("keep-alive");

  /** Checks that the frame is either an event with data or a comment, and fits on its lines. */
  public SseFrame {
    if (comment != null) {
      if (id != null || event != null || data != null) {
        throw new IllegalArgumentException(
            "an SSE comment frame carries no id, event or data; create it with SseFrame.comment(text)");
      }
      requireSingleLine("comment", comment);
    } else {
      if (data == null) {
        throw new IllegalArgumentException(
            "an SSE event frame needs data; create it with SseFrame.event(name, data)");
      }
      if (event != null) {
        requireSingleLine("event", event);
      }
      if (id != null) {
        requireSingleLine("id", id);
        if (id.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("an SSE id must not contain NUL (browsers ignore it)");
        }
      }
    }
  }

  /** An event named {@code event} with this data and no id. */
  public static SseFrame event(String event, String data) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(data, "data");
    return new SseFrame(null, event, data, null);
  }

  /**
   * An unnamed event with this data and no id (a bare {@code data:} line, as JSON-over-SSE
   * protocols use).
   */
  public static SseFrame data(String data) {
    Objects.requireNonNull(data, "data");
    return new SseFrame(null, null, data, null);
  }

  /** A comment frame ({@code ": text"}), ignored by SSE clients. */
  public static SseFrame comment(String text) {
    Objects.requireNonNull(text, "text");
    return new SseFrame(null, null, null, text);
  }

  /** This event with the given id (browsers send the last one back as {@code Last-Event-ID}). */
  public SseFrame withId(String newId) {
    Objects.requireNonNull(newId, "id");
    if (isComment()) {
      throw new IllegalStateException("a comment frame has no id");
    }
    return new SseFrame(newId, event, data, null);
  }

  /** True for a comment (heartbeat) frame. */
  public boolean isComment() {
    return comment != null;
  }

  /** The event name, empty on a comment. */
  public Optional<String> eventName() {
    return Optional.ofNullable(event);
  }

  /**
   * The frame in {@code text/event-stream} encoding, ending with the blank line that dispatches it.
   * Multi-line data becomes one {@code data:} line per line, as the SSE specification requires.
   */
  public String encode() {
    var out = new StringBuilder();
    if (comment != null) {
      return out.append(": ").append(comment).append("\n\n").toString();
    }
    if (id != null) {
      out.append("id: ").append(id).append('\n');
    }
    if (event != null) {
      out.append("event: ").append(event).append('\n');
    }
    for (String line : Objects.requireNonNull(data).split("\r\n|\r|\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return out.append('\n').toString();
  }

  private static void requireSingleLine(String what, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "an SSE "
              + what
              + " must fit on one line (no CR or LF): "
              + value.replace("\n", "\\n").replace("\r", "\\r"));
    }
  }
}
