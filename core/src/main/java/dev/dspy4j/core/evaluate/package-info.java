/**
 * Evaluation: {@link dev.dspy4j.core.evaluate.Evaluate}, metrics and LM-judged metrics, evaluation
 * results and reporting.
 */
@NullMarked
package dev.dspy4j.core.evaluate;

import org.jspecify.annotations.NullMarked;
