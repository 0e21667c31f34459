package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.evaluate.internal.JudgeSignatures;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;
import java.util.LinkedHashMap;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code SemanticF1}: an LM judges the recall and precision of the prediction's {@code
 * response} against the example's {@code response} for its {@code question} (a {@link
 * ChainOfThought} with DSPy's {@code SemanticRecallPrecision} signature, or the decompositional
 * one), and the score is their F1 (each clamped to [0, 1]). The prompts are DSPy's, byte for byte.
 */
public final class SemanticF1 implements Metric {

  private final ChainOfThought judge;
  private final double threshold;

  private SemanticF1(ChainOfThought judge, double threshold) {
    this.judge = judge;
    this.threshold = threshold;
  }

  /** {@code SemanticF1()}: threshold 0.66, not decompositional. */
  public static SemanticF1 create() {
    return create(0.66, false);
  }

  /** {@code SemanticF1(threshold, decompositional)}. */
  public static SemanticF1 create(double threshold, boolean decompositional) {
    return new SemanticF1(
        ChainOfThought.of(
            decompositional
                ? JudgeSignatures.DECOMPOSITIONAL_SEMANTIC_RECALL_PRECISION
                : JudgeSignatures.SEMANTIC_RECALL_PRECISION),
        threshold);
  }

  /** The judge, for choosing its LM ({@code withLm}) or inspecting its signature. */
  public ChainOfThought judge() {
    return judge;
  }

  /**
   * The score an optimizer counts as a pass (DSPy returns {@code score >= threshold} under a
   * trace).
   */
  public double threshold() {
    return threshold;
  }

  @Override
  public Mono<Double> score(Example gold, Prediction prediction) {
    return Mono.defer(
        () -> {
          var inputs = new LinkedHashMap<String, Object>();
          inputs.put("question", AutoEvaluation.required(gold, "question"));
          inputs.put("ground_truth", AutoEvaluation.required(gold, "response"));
          inputs.put("system_response", AutoEvaluation.required(prediction, "response"));
          return judge
              .call(inputs)
              .map(
                  scores ->
                      JudgeSignatures.f1(
                          scores.get("precision", Double.class),
                          scores.get("recall", Double.class)));
        });
  }

  /** Passes at the threshold, as DSPy's returns {@code score >= threshold} under a trace. */
  @Override
  public boolean passed(double score) {
    return score >= threshold;
  }

  @Override
  public String name() {
    return "SemanticF1";
  }
}
