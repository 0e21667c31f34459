package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** {@code withSessionPath}: a composite module's sub-calls form a Helicone session tree. */
class SessionPathTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A support bot: rewrite the question into a search query, then answer with reasoning. */
  static final class SupportBot implements Module {
    final Predict retrieve;
    final ChainOfThought answer;

    SupportBot(Predict retrieve, ChainOfThought answer) {
      this.retrieve = retrieve.withSessionPath("retrieve");
      this.answer = answer.withSessionPath("answer");
    }

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return retrieve
          .call(inputs)
          .flatMap(
              r ->
                  answer.call(Map.of("query", r.get("query"), "question", inputs.get("question"))));
    }
  }

  private static SupportBot bot(HeaderRecordingLm lm) {
    return new SupportBot(
        Predict.of("question -> query").withLm(lm),
        ChainOfThought.of("query, question -> answer").withLm(lm));
  }

  private static DummyLM twoAnswers() {
    return DummyLM.of(
        List.of(
            Map.of("query", "refund policy"),
            Map.of("reasoning", "The policy says 30 days.", "answer", "Within 30 days.")));
  }

  @Test
  void subCallsOfACompositeModuleFormATreeUnderTheCallersSessionPath() {
    var lm = new HeaderRecordingLm(twoAnswers());

    StepVerifier.create(
            bot(lm)
                .call(Map.of("question", "Can I get a refund?"))
                .contextWrite(
                    Helicone.session(
                        "7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f",
                        "Customer Support",
                        "/support/chat")))
        .assertNext(p -> assertThat(p.get("answer")).isEqualTo("Within 30 days."))
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(lm.sessionPaths()).containsExactly("/support/chat/retrieve", "/support/chat/answer");
    assertThat(lm.seen())
        .allSatisfy(
            s -> {
              assertThat(s.helicone())
                  .containsEntry("Helicone-Session-Id", "7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f");
              assertThat(s.helicone()).containsEntry("Helicone-Session-Name", "Customer Support");
            });
  }

  @Test
  void withoutASessionInTheContextTheSegmentStartsThePath() {
    var lm = new HeaderRecordingLm(twoAnswers());
    bot(lm).call(Map.of("question", "Can I get a refund?")).block(TIMEOUT);
    assertThat(lm.sessionPaths()).containsExactly("/retrieve", "/answer");
  }

  @Test
  void theCallersContextIsUnchangedForCallsOutsideTheModule() {
    var lm =
        new HeaderRecordingLm(DummyLM.of(List.of(Map.of("answer", "a1"), Map.of("answer", "a2"))));
    var plain = Predict.of("question -> answer").withLm(lm);
    var nested = plain.withSessionPath("answer");

    nested
        .call(Map.of("question", "q1"))
        .then(plain.call(Map.of("question", "q2")))
        .contextWrite(
            Helicone.session("7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f", "Support", "/support"))
        .block(TIMEOUT);

    assertThat(lm.sessionPaths()).containsExactly("/support/answer", "/support");
    assertThat(plain.sessionPath()).as("withSessionPath returns a new module").isEmpty();
    assertThat(nested.sessionPath()).contains("/answer");
  }

  @Test
  void aUserModuleNestsItsSubModulesUnderItsOwnSegment() {
    var lm = new HeaderRecordingLm(twoAnswers());
    Module chat = bot(lm).withSessionPath("chat");

    chat.call(Map.of("question", "Can I get a refund?"))
        .contextWrite(
            Helicone.session("7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f", "Support", "/support"))
        .block(TIMEOUT);

    assertThat(lm.sessionPaths()).containsExactly("/support/chat/retrieve", "/support/chat/answer");
  }

  @Test
  void aStepThatIsNotAModuleGetsItsSegmentFromTheContextHelper() {
    var lm = new HeaderRecordingLm(DummyLM.of(List.of(Map.of("answer", "a1"))));
    var qa = Predict.of("question -> answer").withLm(lm);

    qa.call(Map.of("question", "q"))
        .contextWrite(Module.sessionPath("lookup/rerank"))
        .block(TIMEOUT);

    assertThat(lm.sessionPaths()).containsExactly("/lookup/rerank");
  }

  @Test
  void theJsonFallbackRunsUnderTheSamePath() {
    var lm =
        new HeaderRecordingLm(
            DummyLM.builder().text("no markers at all").json(Map.of("answer", "Paris")).build());
    var qa = Predict.of("question -> answer").withLm(lm).withSessionPath("answer");

    StepVerifier.create(qa.call(Map.of("question", "Capital of France?")))
        .assertNext(p -> assertThat(p.get("answer")).isEqualTo("Paris"))
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(lm.seen()).hasSize(2);
    assertThat(lm.sessionPaths()).containsExactly("/answer", "/answer");
  }

  @Test
  void aStreamedModuleSendsThePathAndTagsItsChunksWithIt() {
    var lm =
        new HeaderRecordingLm(
            DummyLM.builder()
                .answer(Map.of("reasoning", "Add.", "answer", "4"))
                .tokenSize(2)
                .build());
    var cot = ChainOfThought.of("question -> answer").withLm(lm).withSessionPath("answer");

    List<StreamEvent> events =
        cot.stream(Map.of("question", "2+2?"))
            .contextWrite(
                Helicone.session(
                    "7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f", "Support", "/support/chat"))
            .collectList()
            .block(TIMEOUT);

    assertThat(lm.seen())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.kind()).isEqualTo("stream");
              assertThat(s.sessionPath()).isEqualTo("/support/chat/answer");
            });
    assertThat(events)
        .filteredOn(e -> e instanceof FieldChunk)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(((FieldChunk) e).path()).isEqualTo("/answer"));
  }

  @Test
  void aModuleWithoutSegmentTagsItsChunksWithAnEmptyPath() {
    var cot =
        ChainOfThought.of("question -> answer")
            .withLm(
                DummyLM.builder()
                    .answer(Map.of("reasoning", "Add.", "answer", "4"))
                    .tokenSize(3)
                    .build());
    assertThat(cot.stream(Map.of("question", "2+2?")).collectList().block(TIMEOUT))
        .filteredOn(e -> e instanceof FieldChunk)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(((FieldChunk) e).path()).isEmpty());
  }

  record Question(String question) {}

  record Answer(String answer) {}

  @Test
  void typedModulesTakeASegmentToo() {
    var lm = new HeaderRecordingLm(DummyLM.of(List.of(Map.of("answer", "Paris"))));
    var typed = Predict.typed(Question.class, Answer.class).withLm(lm).withSessionPath("typed");

    assertThat(typed.call(new Question("Capital of France?")).block(TIMEOUT))
        .isEqualTo(new Answer("Paris"));
    assertThat(lm.sessionPaths()).containsExactly("/typed");
  }

  @Test
  void aSegmentIsNormalisedAndABadOneIsRejectedAtOnce() {
    var qa = Predict.of("question -> answer");
    assertThat(qa.withSessionPath("/answer/").sessionPath()).contains("/answer");
    assertThat(qa.withSessionPath("a//b").sessionPath()).contains("/a/b");
    assertThat(qa.withSessionPath("x").withSessionPath("y").sessionPath())
        .as("replaces")
        .contains("/y");
    assertThatThrownBy(() -> qa.withSessionPath(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("child path segment");
    assertThatThrownBy(() -> qa.withSessionPath("/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> qa.withSessionPath("a\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChainOfThought.of("q -> a").withSessionPath(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Module.sessionPath("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> qa.withSessionPath(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("segment");
  }
}
