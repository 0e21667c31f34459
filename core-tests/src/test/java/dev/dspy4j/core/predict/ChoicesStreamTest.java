package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Streaming a module that asks for several choices: each choice's fields stream, tagged with it.
 */
class ChoicesStreamTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void everyChoiceStreamsItsFieldsTaggedWithItsIndexAndDoneHoldsEveryCompletion() {
    var answers =
        List.of(
            Map.of("reasoning", "r zero", "answer", "Paris"),
            Map.of("reasoning", "r one", "answer", "Lyon"),
            Map.of("reasoning", "r two", "answer", "Nice"));
    DummyLM lm =
        DummyLM.builder()
            .answer(answers.get(0))
            .answer(answers.get(1))
            .answer(answers.get(2))
            .tokenSize(2)
            .build();

    List<StreamEvent> events =
        ChainOfThought.of("question -> answer").withN(3).withLm(lm).stream(Map.of("question", "q"))
            .collectList()
            .block(WAIT);

    var chunks =
        events.stream().filter(e -> e instanceof FieldChunk).map(e -> (FieldChunk) e).toList();
    for (int choice = 0; choice < 3; choice++) {
      for (String field : List.of("reasoning", "answer")) {
        int c = choice;
        String text =
            chunks.stream()
                .filter(x -> x.choice() == c && x.field().equals(field))
                .map(FieldChunk::text)
                .collect(Collectors.joining());
        assertThat(text)
            .as("choice %d field %s", choice, field)
            .isEqualTo(answers.get(choice).get(field));
        assertThat(
                chunks.stream().filter(x -> x.choice() == c && x.field().equals(field) && x.last()))
            .hasSize(1);
      }
    }
    Prediction done = ((Done) events.get(events.size() - 1)).prediction();
    assertThat(done.completions())
        .isEqualTo(
            List.<Map<String, Object>>copyOf(
                answers.stream().map(Map::<String, Object>copyOf).toList()));
  }

  @Test
  void oneChoiceStreamsAsBeforeWithChoiceZero() {
    DummyLM lm = DummyLM.of(List.of(Map.of("answer", "Paris")));
    List<StreamEvent> events =
        Predict.of("question -> answer").withLm(lm).stream(Map.of("question", "q"))
            .collectList()
            .block(WAIT);
    assertThat(events)
        .filteredOn(e -> e instanceof FieldChunk)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(((FieldChunk) e).choice()).isZero());
  }
}
