/**
 * The language-model contract: {@link dev.dspy4j.core.lm.LanguageModel}, its requests, responses,
 * streamed chunks, tool calls and typed errors.
 */
@NullMarked
package dev.dspy4j.core.lm;

import org.jspecify.annotations.NullMarked;
