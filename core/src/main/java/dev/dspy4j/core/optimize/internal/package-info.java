/**
 * Implementation of the optimizers: a Python-compatible random number generator. Not part of the
 * API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.optimize.internal;

import org.jspecify.annotations.NullMarked;
