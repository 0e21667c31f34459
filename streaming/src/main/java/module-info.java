/**
 * dspy4j's transport: {@link dev.dspy4j.streaming.LM}, an OpenAI-compatible chat-completions {@link
 * dev.dspy4j.core.lm.LanguageModel} on Reactor Netty, Helicone evals and the SSE relays.
 *
 * <p>Only API packages are exported; {@code dev.dspy4j.streaming.internal} is implementation
 * (listed in {@code docs/api/dev.dspy4j.streaming.txt}, checked by {@code ModuleApiTest}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dspy4j.streaming {
  requires transitive dev.dspy4j.core;
  requires transitive reactor.netty.http;
  requires transitive reactor.netty.core;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.handler;
  requires io.netty.codec.http;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.dspy4j.streaming;
  exports dev.dspy4j.streaming.helicone;
  exports dev.dspy4j.streaming.relay;
}
