/** Test support: {@link dev.dspy4j.core.testing.DummyLM}, a scripted language model. */
@NullMarked
package dev.dspy4j.core.testing;

import org.jspecify.annotations.NullMarked;
