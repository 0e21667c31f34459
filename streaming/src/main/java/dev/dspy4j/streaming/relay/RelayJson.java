package dev.dspy4j.streaming.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text for the relay's frames (one mapper for every format). */
final class RelayJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RelayJson() {}

  static ObjectMapper mapper() {
    return JSON;
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write a stream event as JSON (are all prediction field values plain data?): "
              + e.getOriginalMessage(),
          e);
    }
  }
}
