/**
 * Test support for dspy4j users: a scripted language model ({@link dev.dspy4j.test.DummyLM}), a
 * local OpenAI-compatible gateway on loopback ({@link dev.dspy4j.test.LocalGateway}) and helpers to
 * script and read SSE bodies.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dspy4j.test {
  requires transitive dev.dspy4j.core;
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires transitive reactor.netty.http;
  requires reactor.netty.core;
  requires io.netty.codec.http;
  requires io.netty.handler;
  requires transitive com.fasterxml.jackson.databind;
  requires io.netty.buffer;
  requires static transitive org.jspecify;

  exports dev.dspy4j.test;
}
