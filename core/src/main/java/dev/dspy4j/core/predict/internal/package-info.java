/**
 * Implementation of the predictors: streamed field splitting, traces, module paths, attempt
 * budgets. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.predict.internal;

import org.jspecify.annotations.NullMarked;
