/**
 * Running a program over many examples with bounded concurrency: {@link
 * dev.dspy4j.core.batch.Batch}, its options, progress and results.
 */
@NullMarked
package dev.dspy4j.core.batch;

import org.jspecify.annotations.NullMarked;
