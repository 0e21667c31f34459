/** Saving and loading programs in DSPy's file format, and naming their predictors. */
@NullMarked
package dev.dspy4j.core.program;

import org.jspecify.annotations.NullMarked;
