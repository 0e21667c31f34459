/**
 * Predictors and modules: {@link dev.dspy4j.core.predict.Predict}, {@link
 * dev.dspy4j.core.predict.ChainOfThought}, {@link dev.dspy4j.core.predict.ReAct} and friends,
 * examples, predictions and stream events.
 */
@NullMarked
package dev.dspy4j.core.predict;

import org.jspecify.annotations.NullMarked;
