/**
 * The LM call cache: {@link dev.dspy4j.core.cache.LmCache}, the in-memory and disk {@link
 * dev.dspy4j.core.cache.DefaultLmCache} and its keys.
 */
@NullMarked
package dev.dspy4j.core.cache;

import org.jspecify.annotations.NullMarked;
