/**
 * The transport of dspy4j: {@link dev.dspy4j.streaming.LM}, an OpenAI-compatible chat-completions
 * {@link dev.dspy4j.core.lm.LanguageModel} on Reactor Netty.
 */
@NullMarked
package dev.dspy4j.streaming;

import org.jspecify.annotations.NullMarked;
