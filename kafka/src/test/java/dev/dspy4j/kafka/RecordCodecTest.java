package dev.dspy4j.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.Prediction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsAJsonObjectOfInputFieldsInOrder() {
    Map<String, Object> in =
        RecordCodec.inputs(utf8("  {\"context\": [\"a\", \"b\"], \"question\": \"Q\", \"n\": 3}"));
    assertThat(in)
        .containsExactly(
            Map.entry("context", List.of("a", "b")), Map.entry("question", "Q"), Map.entry("n", 3));
  }

  @Test
  void rejectsWhatIsNotOneJsonObjectWithATypedError() {
    assertThatThrownBy(() -> RecordCodec.inputs(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tombstone");
    assertThatThrownBy(() -> RecordCodec.inputs(utf8("not json {")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> RecordCodec.inputs(utf8("{\"a\": 1} trailing")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> RecordCodec.inputs(utf8("[1]")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("found array");
    assertThatThrownBy(() -> RecordCodec.inputs(utf8("\"text\"")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("found string");
    assertThatThrownBy(() -> RecordCodec.inputs(utf8("")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("found nothing");
  }

  @Test
  void writesPredictionFieldsAndTheFailureShape() throws Exception {
    var fields = new LinkedHashMap<String, Object>();
    fields.put("answer", "Paris");
    fields.put("confidence", 0.9);
    var mapper = new ObjectMapper();
    assertThat(mapper.readTree(RecordCodec.prediction(Prediction.of(fields))).toString())
        .isEqualTo("{\"answer\":\"Paris\",\"confidence\":0.9}");
    var failure =
        mapper.readTree(RecordCodec.failure(new IllegalStateException("boom"), utf8("raw ü")));
    assertThat(failure.path("error").path("type").asText()).isEqualTo("IllegalStateException");
    assertThat(failure.path("error").path("message").asText()).isEqualTo("boom");
    assertThat(failure.path("input").asText()).isEqualTo("raw ü");
    assertThat(
            mapper
                .readTree(RecordCodec.failure(new RuntimeException(), null))
                .path("input")
                .isNull())
        .isTrue();
  }
}
