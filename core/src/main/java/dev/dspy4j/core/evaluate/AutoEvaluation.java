package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;

/**
 * What the LM-judged metrics read from examples and predictions, with errors naming what is
 * missing.
 */
final class AutoEvaluation {

  private AutoEvaluation() {}

  static Object required(Example gold, String field) {
    Object value = gold.values().get(field);
    if (value == null) {
      throw new IllegalArgumentException(
          "the example has no '" + field + "' field; it has " + gold.values().keySet());
    }
    return value;
  }

  static Object required(Prediction prediction, String field) {
    return prediction
        .value(field)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the prediction has no '"
                        + field
                        + "' field; it has "
                        + prediction.fields().keySet()));
  }
}
