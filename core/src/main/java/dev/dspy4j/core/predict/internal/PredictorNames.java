package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.MultiChainComparison;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.signature.Signature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named predictors of the built-in modules, as DSPy's {@code named_predictors()} names them: a
 * bare Predict is {@code self}, the predictor of a ChainOfThought or MultiChainComparison is
 * {@code predict}. Other modules have none known here (their names can be given to {@code Refine}).
 */
public final class PredictorNames {

  private PredictorNames() {}

  /** Name to signature, in DSPy's order; empty for a module whose predictors are not known. */
  public static Map<String, Signature> of(Module module) {
    var names = new LinkedHashMap<String, Signature>();
    if (module instanceof Predict p) names.put("self", p.signature());
    else if (module instanceof ChainOfThought c) names.put("predict", c.predict().signature());
    else if (module instanceof MultiChainComparison m) names.put("predict", m.predict().signature());
    return names;
  }
}
