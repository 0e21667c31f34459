/**
 * Optimizers (teleprompters) that compile a program's demos: labeled and bootstrapped few-shot,
 * random search.
 */
@NullMarked
package dev.dspy4j.core.optimize;

import org.jspecify.annotations.NullMarked;
