package dev.dspy4j.streaming.relay;

import java.util.ArrayList;
import java.util.List;

/**
 * A test-side parser for {@code text/event-stream} that follows the WHATWG HTML "Interpreting an
 * event stream" algorithm: CRLF, LF or CR line ends, a leading BOM, comments, one optional space
 * after the colon, multi-line data joined with LF, the last event id carried over, and an
 * unterminated final event discarded. Kept independent of the relay's encoder on purpose.
 */
final class SseParser {

  /** One dispatched event as a browser's EventSource would see it. */
  record Event(String type, String data, String lastEventId) {}

  /** Everything parsed from a stream: the dispatched events and the comment lines. */
  record Parsed(List<Event> events, List<String> comments) {}

  private SseParser() {}

  static Parsed parse(String stream) {
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
      pos = text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
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
