package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's own format: one named event per stream event, numbered 1, 2, ... (see {@link
 * SseRelay}).
 */
final class Dspy4jEvents implements RelayFormat {

  static final Dspy4jEvents INSTANCE = new Dspy4jEvents();

  private Dspy4jEvents() {}

  @Override
  public Map<String, String> headers() {
    return Map.of();
  }

  @Override
  public Writer open() {
    return new Writer() {
      private long ids;

      @Override
      public List<SseFrame> begin() {
        return List.of();
      }

      @Override
      public List<SseFrame> event(StreamEvent event) {
        return List.of(numbered(toFrame(event)));
      }

      @Override
      public List<SseFrame> end() {
        return List.of();
      }

      @Override
      public List<SseFrame> error(String type, String message) {
        var data = new LinkedHashMap<String, Object>();
        data.put("type", type);
        data.put("message", message);
        return List.of(numbered(SseFrame.event("error", RelayJson.write(data))));
      }

      private SseFrame numbered(SseFrame frame) {
        return frame.withId(Long.toString(++ids));
      }
    };
  }

  private static SseFrame toFrame(StreamEvent event) {
    if (event instanceof FieldChunk c) {
      var data = new LinkedHashMap<String, Object>();
      data.put("field", c.field());
      data.put("text", c.text());
      data.put("last", c.last());
      // Only a composite module's sub-modules have a path; plain modules keep the short form.
      if (!c.path().isEmpty()) data.put("path", c.path());
      // Only a call asking for several choices has chunks of a choice other than 0.
      if (c.choice() != 0) data.put("choice", c.choice());
      return SseFrame.event("field", RelayJson.write(data));
    }
    if (event instanceof Status s) {
      return SseFrame.event("status", RelayJson.write(Map.of("message", s.message())));
    }
    if (event instanceof Done d) {
      return SseFrame.event("done", RelayJson.write(d.prediction().fields()));
    }
    throw new IllegalArgumentException("unknown stream event type " + event.getClass().getName());
  }

  @Override
  public String toString() {
    return "dspy4j events";
  }
}
