package dev.dspy4j.core.lm;

import java.util.List;
import java.util.OptionalDouble;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The SPI every language model implements (the Reactor Netty {@code dev.dspy4j.streaming.LM}, the
 * {@code DummyLM} for tests, your own). Implementations are immutable and thread-safe, and every
 * method is lazy: nothing happens until subscription, and each subscription is a new call.
 */
public interface LanguageModel {

  /** The model name sent to the server, e.g. {@code gpt-4o-mini}. */
  String model();

  /**
   * One non-streamed completion. Emits one {@link LmResponse} then completes, or errors with an
   * {@link LmException}. Cancelling aborts the HTTP exchange.
   */
  Mono<LmResponse> complete(LmRequest request);

  /**
   * One streamed completion. Emits the decoded chunks in order (including a final usage chunk when
   * the server sends one) and completes at the end of the stream, or errors with an {@link
   * LmException}. Honours backpressure; cancelling closes the HTTP exchange.
   */
  Flux<LmChunk> stream(LmRequest request);

  /**
   * The sampling temperature this LM sends when a request sets none, if it has one. Modules read it
   * to decide, as DSPy's {@code Predict} does, whether {@code n > 1} choices need a higher
   * temperature. Empty by default; an LM wrapping another should return the wrapped LM's.
   */
  default OptionalDouble temperature() {
    return OptionalDouble.empty();
  }

  /** Like DSPy's {@code lm("...")}: one string per choice, for a single user message. */
  default Mono<List<String>> call(String prompt) {
    return complete(LmRequest.ofUser(prompt)).map(LmResponse::texts);
  }

  /** One string per choice for these messages. */
  default Mono<List<String>> call(List<Message> messages) {
    return complete(LmRequest.of(messages)).map(LmResponse::texts);
  }

  /** The non-empty text deltas of choice 0 for a single user message, as they stream. */
  default Flux<String> tokens(String prompt) {
    return stream(LmRequest.ofUser(prompt))
        .filter(c -> c.index() == 0 && !c.text().isEmpty())
        .map(LmChunk::text);
  }
}
