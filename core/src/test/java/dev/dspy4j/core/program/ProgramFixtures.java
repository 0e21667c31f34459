package dev.dspy4j.core.program;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.TypedPredict;
import dev.dspy4j.core.signature.Desc;
import dev.dspy4j.core.signature.Instructions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The dspy4j twins of the Python programs in tools/dspy-goldens/gen_programs.py (same names, same
 * forward).
 */
final class ProgramFixtures {

  private ProgramFixtures() {}

  static final class Rag implements Module {
    final Predict rewrite = Predict.of("question -> query");
    final ChainOfThought generateAnswer =
        ChainOfThought.of("context: list[str], question -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      Object question = in.get("question");
      return rewrite
          .call(Map.of("question", question))
          .flatMap(
              r ->
                  generateAnswer.call(
                      Map.of(
                          "context",
                          List.of("passage about " + r.get("query")),
                          "question",
                          question)));
    }
  }

  static final class Summarizer implements Module {
    final Predict summarize = Predict.of("text -> summary");
    final ChainOfThought critique = ChainOfThought.of("summary -> verdict: bool");

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      return summarize
          .call(Map.of("text", in.get("text")))
          .flatMap(s -> critique.call(Map.of("summary", s.get("summary"))));
    }
  }

  static final class Pipeline implements Module {
    final Summarizer summarizer = new Summarizer();
    final Predict finalAnswer = Predict.of("text, verdict: bool -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      Object text = in.get("text");
      return summarizer
          .call(Map.of("text", text))
          .flatMap(
              p ->
                  finalAnswer.call(
                      Map.of("text", text, "verdict", p.get("verdict", Boolean.class))));
    }
  }

  static final class MultiHop implements Module {
    final List<Predict> hops =
        List.of(
            Predict.of("context: list[str], question -> query"),
            Predict.of("context: list[str], question -> query"));
    final Map<String, Module> experts = new LinkedHashMap<>();

    MultiHop() {
      experts.put("math", Predict.of("question -> answer"));
      experts.put("history", ChainOfThought.of("question -> answer"));
    }

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      Object question = in.get("question");
      Mono<List<String>> context = Mono.just(List.of());
      for (Predict hop : hops) {
        context =
            context.flatMap(
                ctx ->
                    hop.call(Map.of("context", ctx, "question", question))
                        .map(
                            p -> {
                              var next = new ArrayList<>(ctx);
                              next.add("result for " + p.get("query"));
                              return List.copyOf(next);
                            }));
      }
      return context.then(
          Mono.defer(() -> experts.get("history").call(Map.of("question", question))));
    }
  }

  @Instructions("Pick the right option for the trivia question.")
  record PickQuestion(@Desc("a trivia question") String question, List<String> options) {}

  record PickAnswer(@Desc("the index of the right option") int answer, double confidence) {}

  static final class Typed implements Module {
    final TypedPredict<PickQuestion, PickAnswer> pick =
        Predict.typed(PickQuestion.class, PickAnswer.class);

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      return pick.predict().call(in);
    }
  }

  /**
   * The shape of {@code dspy.ReAct("question -> answer", tools=[search_wikipedia])} as DSPy names
   * and saves it: {@code react} and {@code extract.predict}. Only its predictors are called here;
   * the ReAct loop is another issue's.
   */
  static final class ReactShaped implements Module {
    final Predict react =
        Predict.of(
            "question, trajectory -> next_thought, "
                + "next_tool_name: Literal['search_wikipedia', 'finish'], next_tool_args: dict[str, Any]");
    final ChainOfThought extract = ChainOfThought.of("question, trajectory -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> in) {
      return Mono.error(
          new UnsupportedOperationException("only the predictors of this twin are called"));
    }
  }

  /** The Java twin of each Python program name. */
  static final Map<String, Supplier<Module>> PROGRAMS = new LinkedHashMap<>();

  static {
    PROGRAMS.put("bare_predict", () -> Predict.of("question -> answer"));
    PROGRAMS.put("cot_augmented", () -> ChainOfThought.of("question -> answer"));
    PROGRAMS.put("two_predictors", Rag::new);
    PROGRAMS.put("nested", Pipeline::new);
    PROGRAMS.put("lists_and_maps", MultiHop::new);
    PROGRAMS.put("typed_fields", Typed::new);
    PROGRAMS.put("changed_instructions_prefixes", () -> ChainOfThought.of("question -> answer"));
    PROGRAMS.put("bootstrap_optimized", Rag::new);
    PROGRAMS.put("escapes_and_numbers", () -> Predict.of("question -> answer"));
    PROGRAMS.put("lm_section", () -> Predict.of("question -> answer"));
    PROGRAMS.put("react_agent", ReactShaped::new);
  }
}
