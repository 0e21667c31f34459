package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class CompositionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * A user-defined module like a dspy.Module with forward(): retrieve, then reason over the
   * passages.
   */
  static final class Rag implements Module {
    private final ChainOfThought answer;

    Rag(ChainOfThought answer) {
      this.answer = answer;
    }

    private Mono<List<String>> retrieve(String question) {
      return Mono.fromCallable(
          () -> List.of("Paris is the capital of France.", "France is in Europe."));
    }

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      String question = (String) inputs.get("question");
      return retrieve(question)
          .flatMap(passages -> answer.call(Map.of("context", passages, "question", question)));
    }
  }

  @Test
  void twoStepPipelineRetrievesThenReasons() {
    var lm = DummyLM.of(List.of(Map.of("reasoning", "The context says so.", "answer", "Paris")));
    var rag = new Rag(ChainOfThought.of("context, question -> answer").withLm(lm));
    StepVerifier.create(rag.call(Map.of("question", "What is the capital of France?")))
        .assertNext(p -> assertThat(p.get("answer")).isEqualTo("Paris"))
        .verifyComplete();
    assertThat(lm.lastRequest().messages().get(1).content())
        .startsWith(
            "[[ ## context ## ]]\n[1] «Paris is the capital of France.»\n[2] «France is in Europe.»\n\n"
                + "[[ ## question ## ]]\nWhat is the capital of France?");
  }

  @Test
  void moduleUsedAsAFluxOperatorKeepsInputOrder() {
    var lm =
        DummyLM.byInput(
            Map.of(
                "Q1", Map.of("reasoning", "r1", "answer", "A1"),
                "Q2", Map.of("reasoning", "r2", "answer", "A2"),
                "Q3", Map.of("reasoning", "r3", "answer", "A3")));
    var cot = ChainOfThought.of("question -> answer").withLm(lm);
    Flux<Map<String, ?>> questions =
        Flux.just(Map.of("question", "Q1"), Map.of("question", "Q2"), Map.of("question", "Q3"));
    StepVerifier.create(questions.transform(cot.operator(2)).map(p -> p.get("answer")))
        .expectNext("A1", "A2", "A3")
        .verifyComplete();
    StepVerifier.create(cot.batch(questions, 3).map(p -> p.get("reasoning")))
        .expectNext("r1", "r2", "r3")
        .verifyComplete();
    StepVerifier.create(questions.flatMapSequential(cot::call, 2).map(p -> p.get("answer")))
        .expectNext("A1", "A2", "A3")
        .verifyComplete();
  }

  @Test
  void compositeModuleStreamsItsSubModulesChunksThenOneDone() {
    var lm = DummyLM.of(List.of(Map.of("reasoning", "r", "answer", "Paris")));
    var rag = new Rag(ChainOfThought.of("context, question -> answer").withLm(lm));
    StepVerifier.create(rag.stream(Map.of("question", "Q")))
        .thenConsumeWhile(e -> e instanceof StreamEvent.FieldChunk c && c.path().isEmpty())
        .assertNext(
            e -> assertThat(((StreamEvent.Done) e).prediction().get("answer")).isEqualTo("Paris"))
        .verifyComplete();
  }
}
