/**
 * Test support for dspy4j users: a scripted language model ({@link dev.dspy4j.test.DummyLM}), a
 * local OpenAI-compatible gateway on loopback ({@link dev.dspy4j.test.LocalGateway}) and helpers to
 * script and read SSE bodies.
 */
@NullMarked
package dev.dspy4j.test;

import org.jspecify.annotations.NullMarked;
