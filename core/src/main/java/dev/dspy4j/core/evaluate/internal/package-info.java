/**
 * Implementation of evaluation: tokenizing and string helpers, judge signatures, progress output.
 * Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.evaluate.internal;

import org.jspecify.annotations.NullMarked;
