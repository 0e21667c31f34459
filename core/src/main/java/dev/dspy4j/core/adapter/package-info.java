/**
 * Adapters: how a signature and its inputs become chat messages and how an LM's answer is parsed
 * back into output fields ({@link dev.dspy4j.core.adapter.ChatAdapter}, {@link
 * dev.dspy4j.core.adapter.JsonAdapter}).
 */
@NullMarked
package dev.dspy4j.core.adapter;

import org.jspecify.annotations.NullMarked;
