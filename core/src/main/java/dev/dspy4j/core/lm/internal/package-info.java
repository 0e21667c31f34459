/**
 * The links of the one LM call chain ({@code LmChain}): record, cache, retry, rate limit, and the
 * adapter of a plain {@code LanguageModel} to a transport. Not part of the API: anything here may
 * change without notice.
 */
@NullMarked
package dev.dspy4j.core.lm.internal;

import org.jspecify.annotations.NullMarked;
