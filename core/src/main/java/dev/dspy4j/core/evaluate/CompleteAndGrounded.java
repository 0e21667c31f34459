package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.evaluate.internal.JudgeSignatures;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;
import java.util.LinkedHashMap;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code CompleteAndGrounded}: an LM judges how completely the prediction's {@code response}
 * covers the example's {@code response}, then how well it is grounded in the prediction's {@code
 * context}; the score is the F1 of the two (each clamped to [0, 1]). Two {@link ChainOfThought}
 * calls, one after the other as in DSPy, with DSPy's signatures: the prompts are DSPy's.
 */
public final class CompleteAndGrounded implements Metric {

  private final ChainOfThought completeness;
  private final ChainOfThought groundedness;
  private final double threshold;

  private CompleteAndGrounded(double threshold) {
    this.completeness = ChainOfThought.of(JudgeSignatures.ANSWER_COMPLETENESS);
    this.groundedness = ChainOfThought.of(JudgeSignatures.ANSWER_GROUNDEDNESS);
    this.threshold = threshold;
  }

  /** {@code CompleteAndGrounded()}: threshold 0.66. */
  public static CompleteAndGrounded create() {
    return create(0.66);
  }

  /** {@code CompleteAndGrounded(threshold)}. */
  public static CompleteAndGrounded create(double threshold) {
    return new CompleteAndGrounded(threshold);
  }

  /** The score an optimizer counts as a pass. */
  public double threshold() {
    return threshold;
  }

  @Override
  public Mono<Double> score(Example gold, Prediction prediction) {
    return Mono.defer(
        () -> {
          var completenessInputs = new LinkedHashMap<String, Object>();
          completenessInputs.put("question", AutoEvaluation.required(gold, "question"));
          completenessInputs.put("ground_truth", AutoEvaluation.required(gold, "response"));
          completenessInputs.put(
              "system_response", AutoEvaluation.required(prediction, "response"));
          var groundednessInputs = new LinkedHashMap<String, Object>();
          groundednessInputs.put("question", AutoEvaluation.required(gold, "question"));
          groundednessInputs.put(
              "retrieved_context", AutoEvaluation.required(prediction, "context"));
          groundednessInputs.put(
              "system_response", AutoEvaluation.required(prediction, "response"));
          return completeness
              .call(completenessInputs)
              .flatMap(
                  c ->
                      groundedness
                          .call(groundednessInputs)
                          .map(
                              g ->
                                  JudgeSignatures.f1(
                                      g.get("groundedness", Double.class),
                                      c.get("completeness", Double.class))));
        });
  }

  /** Passes at the threshold, as DSPy's returns {@code score >= threshold} under a trace. */
  @Override
  public boolean passed(double score) {
    return score >= threshold;
  }

  @Override
  public String name() {
    return "CompleteAndGrounded";
  }
}
