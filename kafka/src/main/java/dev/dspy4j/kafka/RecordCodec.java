package dev.dspy4j.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dspy4j.core.predict.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON in and out of Kafka record values: an input value is a JSON object of the module's input
 * fields; an output value is a JSON object of the prediction's fields; a failure value is {@code
 * {"error": {"type", "message"}, "input": <raw value as text>}}. *
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class RecordCodec {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private RecordCodec() {}

  /** The module inputs in this record value. */
  public static Map<String, Object> inputs(byte @Nullable [] value) {
    if (value == null) {
      throw new InvalidInputException(
          "the record has no value (a tombstone); expected a JSON object of input fields");
    }
    int first = 0;
    while (first < value.length && Character.isWhitespace(value[first])) first++;
    if (first < value.length && value[first] == '{') {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> inputs = MAPPER.readValue(value, LinkedHashMap.class);
        return inputs;
      } catch (JacksonException e) {
        throw new InvalidInputException(
            "the record value is not JSON: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (JacksonException e) {
      throw new InvalidInputException("the record value is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new InvalidInputException(
        "the record value is JSON but not an object of input fields (found "
            + (node == null || node.isMissingNode()
                ? "nothing"
                : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT))
            + ")");
  }

  /** The output value for a prediction: its fields as a JSON object, in signature order. */
  public static byte[] prediction(Prediction prediction) {
    try {
      return MAPPER.writeValueAsBytes(prediction.fields());
    } catch (JacksonException e) {
      throw new IllegalStateException(
          "the prediction's fields cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The failure value for an input that failed with {@code error}. */
  public static byte[] failure(Throwable error, byte @Nullable [] input) {
    var root = MAPPER.createObjectNode();
    var e = root.putObject("error");
    e.put("type", error.getClass().getSimpleName());
    e.put("message", error.getMessage() != null ? error.getMessage() : error.getClass().getName());
    if (input == null) {
      root.putNull("input");
    } else {
      root.put("input", new String(input, StandardCharsets.UTF_8));
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JacksonException ex) {
      throw new IllegalStateException(ex); // a tree of strings always writes
    }
  }
}
