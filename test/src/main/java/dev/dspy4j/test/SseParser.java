package dev.dspy4j.test;

import java.util.ArrayList;
import java.util.List;

/**
 * A parser for {@code text/event-stream}, for tests of SSE endpoints (such as one built on dspy4j's
 * {@code SseRelay}): it reads a response body as a browser's {@code EventSource} would, following
 * the WHATWG HTML "Interpreting an event stream" algorithm: CRLF, LF or CR line ends, a leading
 * BOM, comments, one optional space after the colon, multi-line data joined with LF, the last event
 * id carried over, and an unterminated final event discarded. Independent of the relay's encoder on
 * purpose.
 *
 * <pre>{@code
 * SseParser.Parsed parsed = SseParser.parse(body);
 * parsed.events();    // [Event[type=field, data={"field":"answer",...}, lastEventId=], ...]
 * parsed.comments();  // [keep-alive]
 * }</pre>
 */
public final class SseParser {

  /**
   * One dispatched event as a browser's EventSource would see it.
   *
   * @param type the {@code event:} name ({@code message} when there was none)
   * @param data the {@code data:} lines joined with LF
   * @param lastEventId the last {@code id:} seen so far
   */
  public record Event(String type, String data, String lastEventId) {}

  /**
   * Everything parsed from a stream.
   *
   * @param events the dispatched events, in order
   * @param comments the comment lines ({@code : keep-alive} gives {@code keep-alive})
   */
  public record Parsed(List<Event> events, List<String> comments) {}

  private SseParser() {}

  /**
   * The events and comments of a complete or partial stream (an unterminated last event is left
   * out).
   */
  public static Parsed parse(String stream) {
    var events = new ArrayList<Event>();
    var comments = new ArrayList<String>();
    String text = stream.startsWith("\uFEFF") ? stream.substring(1) : stream;
    String eventType = "";
    var data = new StringBuilder();
    String lastEventId = "";
    int pos = 0;
    while (pos < text.length()) {
      int end = pos;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      if (end == text.length()) {
        break; // no line terminator: an incomplete line, never dispatched
      }
      String line = text.substring(pos, end);
      pos =
          text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n'
              ? end + 2
              : end + 1;
      if (line.isEmpty()) {
        if (data.length() > 0) {
          String value = data.substring(0, data.length() - 1);
          events.add(new Event(eventType.isEmpty() ? "message" : eventType, value, lastEventId));
        }
        eventType = "";
        data.setLength(0);
        continue;
      }
      if (line.startsWith(":")) {
        comments.add(line.substring(1).startsWith(" ") ? line.substring(2) : line.substring(1));
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> eventType = value;
        case "data" -> data.append(value).append('\n');
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastEventId = value;
          }
        }
        default -> {
          // "retry" and unknown fields do not affect the events
        }
      }
    }
    return new Parsed(events, comments);
  }
}
