package dev.dspy4j.core.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The naming rules beyond the golden programs (whose names are DSPy's, see ProgramGoldenTest). */
class NamedPredictorsTest {

  abstract static class Base implements Module {
    final Predict first = Predict.of("a -> b");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return Mono.empty();
    }
  }

  static final class Program extends Base {
    static final Predict SHARED_CONSTANT = Predict.of("a -> b");
    final ChainOfThought generateAnswer = ChainOfThought.of("q -> a");

    @DspyName("customName")
    final Predict renamed = Predict.of("a -> b");

    final Predict[] steps = {Predict.of("a -> b"), Predict.of("a -> b")};
    final Predict alias = first; // the same predictor twice keeps its first name
    final String notAPredictor = "x";
    final Module withPath = new Inner().withSessionPath("inner");
    Program self = this; // a cycle must not loop
  }

  static final class Inner implements Module {
    final Predict htmlParser = Predict.of("a -> b");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return Mono.empty();
    }
  }

  @Test
  void namesFieldsLikeDspyWithSnakeCaseOverridesArraysAndSuperclassesFirst() {
    var program = new Program();
    var named = program.namedPredictors();
    assertThat(named.keySet())
        .containsExactly(
            "first",
            "generate_answer.predict",
            "customName",
            "steps[0]",
            "steps[1]",
            "with_path.html_parser");
    assertThat(named.get("first")).isSameAs(program.first);
    assertThat(named.get("generate_answer.predict")).isSameAs(program.generateAnswer.predict());
    assertThat(named.get("steps[1]")).isSameAs(program.steps[1]);
  }

  @Test
  void bareModulesAreNamedAsDspyNamesThem() {
    Predict p = Predict.of("a -> b");
    assertThat(p.namedPredictors()).containsExactly(Map.entry("self", p));
    ChainOfThought cot = ChainOfThought.of("a -> b");
    assertThat(cot.namedPredictors()).containsExactly(Map.entry("predict", cot.predict()));
  }

  @Test
  void aLambdaHasNoNamedPredictors() {
    Predict captured = Predict.of("a -> b");
    Module lambda = in -> captured.call(in);
    assertThat(lambda.namedPredictors()).isEmpty();
  }

  @Test
  void listsAndMapsOfModulesNestOneLevel() {
    class Holder implements Module {
      final List<ChainOfThought> chains = List.of(ChainOfThought.of("a -> b"));
      final Map<String, Predict> byKey =
          new java.util.LinkedHashMap<>(Map.of("k", Predict.of("a -> b")));
      final List<List<Predict>> nested =
          List.of(List.of(Predict.of("a -> b"))); // DSPy does not look inside

      @Override
      public Mono<Prediction> call(Map<String, ?> inputs) {
        return Mono.empty();
      }
    }
    assertThat(new Holder().namedPredictors().keySet())
        .containsExactly("chains[0].predict", "by_key['k']");
  }

  @Test
  void snakeCase() {
    assertThat(NamedPredictors.snakeCase("generateAnswer")).isEqualTo("generate_answer");
    assertThat(NamedPredictors.snakeCase("HTMLParser")).isEqualTo("html_parser");
    assertThat(NamedPredictors.snakeCase("hop2")).isEqualTo("hop2");
    assertThat(NamedPredictors.snakeCase("already_snake")).isEqualTo("already_snake");
    assertThat(NamedPredictors.snakeCase("react")).isEqualTo("react");
    assertThat(NamedPredictors.snakeCase("extractV2Answer")).isEqualTo("extract_v2_answer");
  }

  @Test
  void aSessionPathWrapperLoadsIntoTheProgramItWraps(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var rag = new ProgramFixtures.Rag();
    Module wrapped = rag.withSessionPath("rag");
    assertThat(wrapped.namedPredictors().keySet())
        .containsExactly("rewrite", "generate_answer.predict");
    wrapped.load(Goldens.pythonSaved("two_predictors"));
    assertThat(rag.generateAnswer.predict().signature().instructions())
        .isEqualTo("Answer using the context.");
    assertThat(rag.rewrite.demos()).hasSize(1);
    wrapped.save(dir.resolve("rag.json"));
    assertThat(Goldens.text(dir.resolve("rag.json")))
        .isEqualTo(Goldens.text(Goldens.ROOT.resolve("python-saved/two_predictors.resaved.json")));
  }
}
