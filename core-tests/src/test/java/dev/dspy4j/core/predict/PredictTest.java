package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.signature.Desc;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class PredictTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @AfterEach
  void resetDefaultLm() {
    Dspy.reset();
  }

  @Test
  void predictReturnsTheParsedFieldsAndSendsDspysPrompt() {
    var lm = DummyLM.of(List.of(Map.of("answer", "Paris")));
    var qa = Predict.of("question -> answer").withLm(lm);
    StepVerifier.create(qa.call(Map.of("question", "What is the capital of France?")))
        .assertNext(
            p -> {
              assertThat(p.get("answer")).isEqualTo("Paris");
              assertThat(p.fields()).containsOnlyKeys("answer");
            })
        .expectComplete()
        .verify(TIMEOUT);
    var request = lm.lastRequest();
    assertThat(request.messages()).hasSize(2);
    assertThat(request.messages().get(1).content())
        .startsWith("[[ ## question ## ]]\nWhat is the capital of France?");
    assertThat(request.responseFormat()).isEmpty();
  }

  @Test
  void chainOfThoughtReturnsReasoningAndAnswer() {
    var lm = DummyLM.of(List.of(Map.of("reasoning", "2 plus 2 makes 4.", "answer", "4")));
    var cot = ChainOfThought.of("question -> answer").withLm(lm);
    StepVerifier.create(cot.call(Map.of("question", "What is 2+2?")))
        .assertNext(
            p -> {
              assertThat(p.get("reasoning")).isEqualTo("2 plus 2 makes 4.");
              assertThat(p.get("answer")).isEqualTo("4");
              assertThat(p.get("answer", Integer.class)).isEqualTo(4);
            })
        .verifyComplete();
    assertThat(lm.lastRequest().messages().get(1).content())
        .contains("starting with the field `[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`");
  }

  record Question(String question) {}

  enum Tone {
    FORMAL,
    CASUAL
  }

  record Answer(
      @Desc("a short answer") String answer,
      double confidence,
      List<String> sources,
      Tone tone,
      Optional<String> caveat) {}

  @Test
  void typedRecordsRoundTrip() {
    var lm =
        DummyLM.of(
            List.of(
                Map.of(
                    "answer",
                    "Paris",
                    "confidence",
                    0.9,
                    "sources",
                    List.of("atlas", "wiki"),
                    "tone",
                    "FORMAL")));
    var typed = Predict.typed(Question.class, Answer.class).withLm(lm);
    StepVerifier.create(typed.call(new Question("Capital of France?")))
        .expectNext(
            new Answer("Paris", 0.9, List.of("atlas", "wiki"), Tone.FORMAL, Optional.empty()))
        .verifyComplete();
    assertThat(lm.lastRequest().messages().get(0).content())
        .contains("2. `confidence` (float): \n")
        .contains("1. `answer` (str): a short answer\n")
        .contains("4. `tone` (Tone): \n")
        .contains(
            "{caveat}        # note: the value you produce must adhere to the JSON schema: "
                + "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"null\"}]}");
  }

  @Test
  void predictionGivesTypedAccessUsageAndMetadata() {
    var lm =
        DummyLM.builder()
            .answer(Map.of("answer", "Paris", "confidence", 0.75))
            .usage(new Usage(10, 5, 15))
            .build();
    var qa = Predict.of("question -> answer, confidence: float").withLm(lm);
    var p = qa.call(Map.of("question", "Q")).block(TIMEOUT);
    assertThat(p.get("confidence", Double.class)).isEqualTo(0.75);
    assertThat(p.get("confidence")).isEqualTo("0.75");
    assertThat(p.value("confidence")).contains(0.75);
    assertThat(p.usage()).isEqualTo(new Usage(10, 5, 15));
    assertThat(p.cacheHit()).isFalse();
    assertThat(p.requestId()).isEmpty();
    assertThat(p.completions()).containsExactly(p.fields());
  }

  @Test
  void missingInputIsATypedErrorBeforeAnyLmCall() {
    var lm = DummyLM.of(List.of(Map.of("answer", "x")));
    var qa = Predict.of("context, question -> answer").withLm(lm);
    StepVerifier.create(qa.call(Map.of("question", "Q")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(MissingInputException.class)
                  .hasMessageContaining("missing input field(s) [context]")
                  .hasMessageContaining("the signature's inputs are [context, question]");
              assertThat(((MissingInputException) e).missing()).containsExactly("context");
            })
        .verify(TIMEOUT);
    assertThat(lm.requests()).isEmpty();
  }

  @Test
  void noLanguageModelIsAClearError() {
    StepVerifier.create(Predict.of("q -> a").call(Map.of("q", "x")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(NoLanguageModelException.class)
                    .hasMessageContaining("Dspy.configure(lm)"))
        .verify(TIMEOUT);
  }

  @Test
  void lmComesFromModuleThenContextThenProcessDefault() {
    var processLm = DummyLM.byInput(Map.of("q", Map.of("a", "process")));
    var contextLm = DummyLM.byInput(Map.of("q", Map.of("a", "context")));
    var moduleLm = DummyLM.byInput(Map.of("q", Map.of("a", "module")));
    Dspy.configure(processLm);
    var qa = Predict.of("q -> a");
    assertThat(qa.call(Map.of("q", "x")).block(TIMEOUT).get("a")).isEqualTo("process");
    assertThat(
            qa.call(Map.of("q", "x")).contextWrite(Dspy.withLm(contextLm)).block(TIMEOUT).get("a"))
        .isEqualTo("context");
    assertThat(
            qa.withLm(moduleLm)
                .call(Map.of("q", "x"))
                .contextWrite(Dspy.withLm(contextLm))
                .block(TIMEOUT)
                .get("a"))
        .isEqualTo("module");
  }

  @Test
  void jsonFallbackHappensExactlyOnceAfterAChatParseFailure() {
    var lm =
        DummyLM.builder()
            .text("I think the answer is Paris.")
            .json(Map.of("answer", "Paris"))
            .build();
    var qa = Predict.of("question -> answer").withLm(lm);
    StepVerifier.create(qa.call(Map.of("question", "Q")))
        .assertNext(p -> assertThat(p.get("answer")).isEqualTo("Paris"))
        .verifyComplete();
    assertThat(lm.requests()).hasSize(2);
    assertThat(lm.requests().get(0).responseFormat()).isEmpty();
    LmRequest second = lm.requests().get(1);
    assertThat(second.responseFormat().orElseThrow()).containsEntry("type", "json_schema");
    assertThat(second.messages().get(1).content())
        .endsWith("Respond with a JSON object in the following order of " + "fields: `answer`.");
  }

  @Test
  void whenTheFallbackAlsoFailsTheJsonErrorIsRaisedWithTheFirstAttached() {
    var lm = DummyLM.ofTexts("no markers", "still no json");
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).call(Map.of("question", "Q")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(AdapterParseException.class);
              assertThat(((AdapterParseException) e).adapterName()).isEqualTo("JSONAdapter");
              assertThat(e.getSuppressed())
                  .singleElement()
                  .satisfies(
                      first ->
                          assertThat(((AdapterParseException) first).adapterName())
                              .isEqualTo("ChatAdapter"));
            })
        .verify(TIMEOUT);
    assertThat(lm.requests()).hasSize(2);
  }

  @Test
  void fallbackCanBeSwitchedOff() {
    var lm = DummyLM.builder().text("no markers").json(Map.of("answer", "never used")).build();
    StepVerifier.create(
            Predict.of("question -> answer")
                .withLm(lm)
                .withJsonFallback(false)
                .call(Map.of("question", "Q")))
        .expectErrorSatisfies(
            e -> assertThat(((AdapterParseException) e).adapterName()).isEqualTo("ChatAdapter"))
        .verify(TIMEOUT);
    assertThat(lm.requests()).hasSize(1);
  }

  @Test
  void noFallbackAfterAnLmError() {
    var lm =
        DummyLM.builder()
            .error(new ServerException("upstream 503", 503, "req-1", null, null, null))
            .json(Map.of("answer", "never used"))
            .build();
    StepVerifier.create(Predict.of("question -> answer").withLm(lm).call(Map.of("question", "Q")))
        .expectError(ServerException.class)
        .verify(TIMEOUT);
    assertThat(lm.requests()).hasSize(1);
  }

  @Test
  void perCallConfigReachesTheRequestAndModulesStayImmutable() {
    var lm =
        DummyLM.of(List.of(Map.of("answer", "a"), Map.of("answer", "b"), Map.of("answer", "c")));
    var base = Predict.of("question -> answer").withLm(lm);
    var tuned = base.withTemperature(0.7).withMaxTokens(100).withCache(false).withN(2);
    var p = tuned.call(Map.of("question", "Q")).block(TIMEOUT);
    LmRequest r = lm.lastRequest();
    assertThat(r.temperature()).hasValue(0.7);
    assertThat(r.maxTokens()).hasValue(100);
    assertThat(r.cache()).contains(false);
    assertThat(r.n()).hasValue(2);
    assertThat(p.completions()).extracting(c -> c.get("answer")).containsExactly("a", "b");
    assertThat(base.config()).isEqualTo(CallConfig.DEFAULT);
    base.call(Map.of("question", "Q")).block(TIMEOUT);
    assertThat(lm.lastRequest().temperature()).isEmpty();
  }

  @Test
  void demosArePutBeforeTheInputs() {
    var lm = DummyLM.of(List.of(Map.of("answer", "A2")));
    var qa =
        Predict.of("question -> answer")
            .withLm(lm)
            .withDemos(List.of(Example.of(Map.of("question", "Q1", "answer", "A1"))));
    qa.call(Map.of("question", "Q2")).block(TIMEOUT);
    assertThat(lm.lastRequest().messages())
        .extracting(m -> m.role() + ":" + m.content())
        .containsExactly(
            "system:" + lm.lastRequest().messages().get(0).content(),
            "user:[[ ## question ## ]]\nQ1",
            "assistant:[[ ## answer ## ]]\nA1\n\n[[ ## completed ## ]]\n",
            "user:[[ ## question ## ]]\nQ2\n\nRespond with the corresponding output fields, starting with the field "
                + "`[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.");
  }

  @Test
  void callIsLazyAndEachSubscriptionCallsTheLmAgain() {
    var lm = DummyLM.of(List.of(Map.of("answer", "1"), Map.of("answer", "2")));
    Mono<Prediction> call =
        Predict.of("question -> answer").withLm(lm).call(Map.of("question", "Q"));
    assertThat(lm.requests()).isEmpty();
    assertThat(call.block(TIMEOUT).get("answer")).isEqualTo("1");
    assertThat(call.block(TIMEOUT).get("answer")).isEqualTo("2");
  }

  record Topic(String topic) {}

  record Haiku(String poem, List<Integer> syllables) {}

  @Test
  void typedDemosAreRenderedAndTypedStreamsEndWithDone() {
    var answer = new java.util.LinkedHashMap<String, Object>();
    answer.put("poem", "Leaves fall");
    answer.put("syllables", List.of(5, 7, 5));
    var lm = DummyLM.byInput(Map.of("autumn", answer));
    var typed =
        Predict.typed(Topic.class, Haiku.class)
            .withLm(lm)
            .withDemos(
                List.of(Map.entry(new Topic("spring"), new Haiku("Blossoms", List.of(5, 7, 5)))));
    StepVerifier.create(typed.call(new Topic("autumn")))
        .expectNext(new Haiku("Leaves fall", List.of(5, 7, 5)))
        .verifyComplete();
    assertThat(lm.lastRequest().messages().get(2).content())
        .isEqualTo(
            "[[ ## poem ## ]]\nBlossoms\n\n[[ ## syllables ## ]]\n[5, 7, 5]\n\n[[ ## completed ## ]]\n");
    StepVerifier.create(typed.stream(new Topic("autumn"), "poem"))
        .expectNext(new StreamEvent.FieldChunk("poem", "L", false))
        .thenConsumeWhile(e -> e instanceof StreamEvent.FieldChunk c && c.field().equals("poem"))
        .expectNextMatches(
            e ->
                e instanceof StreamEvent.Done d && d.prediction().get("poem").equals("Leaves fall"))
        .verifyComplete();
  }

  @Test
  void predictionTextOfListsIsJsonAndMissingFieldsAreReported() {
    var p = Prediction.of(Map.of("items", List.of("a", "b"), "ok", true));
    assertThat(p.get("items")).isEqualTo("[\"a\", \"b\"]");
    assertThat(p.get("ok")).isEqualTo("True");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.get("nope"))
        .isInstanceOf(java.util.NoSuchElementException.class)
        .hasMessageContaining("no value for output field 'nope'");
  }
}
