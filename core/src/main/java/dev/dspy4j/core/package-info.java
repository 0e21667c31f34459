/**
 * dspy4j's entry point: {@link dev.dspy4j.core.Dspy}, the process-wide settings (default LM,
 * adapter, cache).
 */
@NullMarked
package dev.dspy4j.core;

import org.jspecify.annotations.NullMarked;
