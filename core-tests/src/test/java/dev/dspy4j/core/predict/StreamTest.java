package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class StreamTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, Object> QUESTION = Map.of("question", "What is 2+2?");

  private static DummyLM cotLm(int tokenSize) {
    return DummyLM.builder()
        .when("What is 2+2?", ordered("reasoning", "Two plus two\nis four.", "answer", "4"))
        .tokenSize(tokenSize)
        .usage(new Usage(20, 10, 30))
        .build();
  }

  @Test
  void chainOfThoughtStreamsReasoningThenAnswerAndEndsWithTheSamePredictionAsCall() {
    var cot = ChainOfThought.of("question -> answer").withLm(cotLm(2));
    List<StreamEvent> events = cot.stream(QUESTION).collectList().block(TIMEOUT);
    Prediction called = cot.call(QUESTION).block(TIMEOUT);

    assertThat(events).last().isEqualTo(new Done(called));
    assertThat(events).filteredOn(e -> e instanceof Done).hasSize(1);
    var chunks =
        events.stream().filter(e -> e instanceof FieldChunk).map(e -> (FieldChunk) e).toList();
    assertThat(chunks.size()).as("many small chunks").isGreaterThan(6);
    assertThat(joined(chunks))
        .containsExactly(
            Map.entry("reasoning", called.get("reasoning")),
            Map.entry("answer", called.get("answer")));
    assertThat(chunks)
        .filteredOn(FieldChunk::last)
        .extracting(FieldChunk::field)
        .containsExactly("reasoning", "answer");
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.text()).doesNotContain("[[").doesNotContain("##"));
    assertThat(called.usage()).isEqualTo(new Usage(20, 10, 30));
  }

  @Test
  void chosenFieldsOnlyAreStreamed() {
    var cot = ChainOfThought.of("question -> answer").withLm(cotLm(3));
    StepVerifier.create(cot.stream(QUESTION, "answer").filter(e -> e instanceof FieldChunk))
        .expectNextMatches(e -> ((FieldChunk) e).field().equals("answer"))
        .thenConsumeWhile(e -> ((FieldChunk) e).field().equals("answer"))
        .verifyComplete();
    assertThatThrownBy(() -> cot.stream(QUESTION, "confidence"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "cannot stream 'confidence': it is not an output field; outputs are [reasoning, answer]");
  }

  @Test
  void cacheHitEmitsOnlyDone() {
    var lm =
        DummyLM.builder()
            .when("What is 2+2?", ordered("reasoning", "r", "answer", "4"))
            .cacheHit(true)
            .build();
    var cot = ChainOfThought.of("question -> answer").withLm(lm);
    StepVerifier.create(cot.stream(QUESTION))
        .assertNext(
            e -> {
              assertThat(e).isInstanceOf(Done.class);
              var p = ((Done) e).prediction();
              assertThat(p.get("answer")).isEqualTo("4");
              assertThat(p.cacheHit()).isTrue();
            })
        .verifyComplete();
  }

  @Test
  void jsonAdapterStreamsStringValuesWithoutQuotesAndWithEscapesDecoded() {
    var lm =
        DummyLM.builder()
            .json(ordered("reasoning", "He said \"hi\"\nthen left \\ é ☃", "answer", "4"))
            .json(ordered("reasoning", "He said \"hi\"\nthen left \\ é ☃", "answer", "4"))
            .tokenSize(1)
            .build();
    var cot = ChainOfThought.of("question -> answer").withLm(lm);
    var module = cot.predict().withAdapter(new JsonAdapter());
    List<StreamEvent> events = module.stream(QUESTION).collectList().block(TIMEOUT);
    var chunks =
        events.stream().filter(e -> e instanceof FieldChunk).map(e -> (FieldChunk) e).toList();
    assertThat(joined(chunks))
        .containsExactly(
            Map.entry("reasoning", "He said \"hi\"\nthen left \\ é ☃"), Map.entry("answer", "4"));
    assertThat(events).last().isEqualTo(new Done(module.call(QUESTION).block(TIMEOUT)));
    assertThat(lm.requests().get(0).responseFormat().orElseThrow())
        .containsEntry("type", "json_schema");
  }

  @Test
  void jsonAdapterUnicodeEscapeSplitAcrossTokensIsHeldUntilComplete() {
    var text = "```json\n{\"answer\": \"caf\\u00e9 \\u2603\", \"n\": [{\"x\": \"}\"}]}\n```";
    var lm = DummyLM.builder().text(text).tokenSize(1).build();
    var module =
        Predict.of("question -> answer, n: list[dict[str, str]]")
            .withAdapter(new JsonAdapter())
            .withLm(lm);
    StepVerifier.create(
            module.stream(QUESTION)
                .filter(e -> e instanceof FieldChunk)
                .map(e -> ((FieldChunk) e).text())
                .reduce(String::concat))
        .expectNext("café ☃")
        .verifyComplete();
  }

  @Test
  void parseFailureInTheStreamFallsBackToJsonWithAStatusAndTheSameResultAsCall() {
    var script =
        DummyLM.builder().text("The answer is 4.").json(ordered("reasoning", "r", "answer", "4"));
    var streamLm = script.build();
    var callLm =
        DummyLM.builder()
            .text("The answer is 4.")
            .json(ordered("reasoning", "r", "answer", "4"))
            .build();
    var cot = ChainOfThought.of("question -> answer");
    List<StreamEvent> events = cot.withLm(streamLm).stream(QUESTION).collectList().block(TIMEOUT);
    assertThat(events)
        .filteredOn(e -> e instanceof Status)
        .singleElement()
        .satisfies(s -> assertThat(((Status) s).message()).contains("retrying with JSONAdapter"));
    assertThat(events).last().isEqualTo(new Done(cot.withLm(callLm).call(QUESTION).block(TIMEOUT)));
    assertThat(streamLm.requests()).hasSize(2);
  }

  @Test
  void unparseableAnswerFailsTheStreamLikeCall() {
    var lm = DummyLM.ofTexts("nothing useful", "still nothing");
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).stream(QUESTION))
        .expectNextMatches(e -> e instanceof Status)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(AdapterParseException.class)
                    .hasMessageContaining("Adapter JSONAdapter failed"))
        .verify(TIMEOUT);
  }

  @Test
  void lmErrorEndsTheStreamWithoutFallback() {
    var lm =
        DummyLM.builder().error(new ServerException("503", 503, null, null, null, null)).build();
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).stream(QUESTION))
        .expectError(ServerException.class)
        .verify(TIMEOUT);
    assertThat(lm.requests()).hasSize(1);
  }

  @Test
  void missingInputFailsTheStreamBeforeAnyLmCall() {
    var lm = cotLm(3);
    StepVerifier.create(ChainOfThought.of("question -> answer").withLm(lm).stream(Map.of("q", "x")))
        .expectError(MissingInputException.class)
        .verify(TIMEOUT);
    assertThat(lm.requests()).isEmpty();
  }

  /** An LM whose stream is a TestPublisher the test drives. */
  private static final class ScriptedStreamLm implements LanguageModel {
    final TestPublisher<LmChunk> publisher = TestPublisher.create();

    @Override
    public String model() {
      return "scripted";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.error(new UnsupportedOperationException("stream only"));
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return publisher.flux();
    }
  }

  @Test
  void firstChunkArrivesBeforeTheLmFinishes() {
    var lm = new ScriptedStreamLm();
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).stream(QUESTION))
        .then(
            () -> lm.publisher.next(LmChunk.ofText("[[ ## ans"), LmChunk.ofText("wer ## ]]\nPar")))
        .expectNext(new FieldChunk("answer", "Par", false))
        .then(() -> lm.publisher.next(LmChunk.ofText("is\n\n[[ ## completed ## ]]")))
        .expectNext(new FieldChunk("answer", "is", true))
        .then(lm.publisher::complete)
        .assertNext(e -> assertThat(((Done) e).prediction().get("answer")).isEqualTo("Paris"))
        .verifyComplete();
  }

  @Test
  void cancellingTheStreamCancelsTheLmStream() {
    var lm = new ScriptedStreamLm();
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).stream(QUESTION))
        .then(() -> lm.publisher.next(LmChunk.ofText("[[ ## answer ## ]]\nPar")))
        .expectNext(new FieldChunk("answer", "Par", false))
        .thenCancel()
        .verify(TIMEOUT);
    lm.publisher.assertCancelled();
  }

  @Test
  void dummyLmCountsTheCancelOfAStream() {
    var lm =
        DummyLM.builder()
            .answer(ordered("reasoning", "a long chain of thought ".repeat(50), "answer", "4"))
            .tokenSize(1)
            .build();
    StepVerifier.create(ChainOfThought.of("question -> answer").withLm(lm).stream(QUESTION), 1)
        .expectNextCount(1)
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(lm.cancellations()).isEqualTo(1);
  }

  /** Field values in the order a real LM writes them (Map.of has no order). */
  static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    var m = new LinkedHashMap<String, Object>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static Map<String, String> joined(List<FieldChunk> chunks) {
    var out = new LinkedHashMap<String, String>();
    chunks.forEach(c -> out.merge(c.field(), c.text(), String::concat));
    return out;
  }
}
