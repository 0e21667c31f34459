package dev.dspy4j.core.lm;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.internal.LanguageModelTransport;
import dev.dspy4j.core.lm.internal.RateLimitLink;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The send step of a language model, the SPI under an {@link LmChain}: one attempt of one call,
 * nothing else. A transport does no caching, retrying, rate limiting, usage or history bookkeeping:
 * the chain around it does all of that, the same way for every transport (the Reactor Netty {@code
 * LM}, {@code DummyLM}, your own).
 *
 * <pre>{@code
 * LmTransport echo = new LmTransport() {
 *   public String model() { return "echo"; }
 *   public Mono<LmResponse> send(LmRequest r) {
 *     return Mono.fromCallable(() -> LmResponse.of(r.messages().get(r.messages().size() - 1).content()));
 *   }
 *   public Flux<LmChunk> sendStream(LmRequest r) {
 *     return send(r).flatMapMany(res -> Flux.just(LmChunk.of(0, res.text(), null, "stop", null)));
 *   }
 * };
 * LanguageModel lm = LmChain.builder(echo).build();   // cache, history, usage, retries
 * }</pre>
 *
 * <p>Implementations are thread-safe and lazy (nothing happens until subscription; each
 * subscription is one attempt, so the chain retries by subscribing again), report failures as
 * {@link LmException}s (whose {@link LmException#isRetryable()} and {@link
 * LmException#retryAfter()} steer the {@link RetryPolicy}), honour backpressure and stop sending
 * when cancelled.
 */
public interface LmTransport {

  /** The model name; part of the cache key and of usage and history records. */
  String model();

  /**
   * One non-streamed attempt of {@code effective} (the request as the chain resolved it: defaults
   * and Helicone Context headers merged). Emits one response, or errors.
   */
  Mono<LmResponse> send(LmRequest effective);

  /**
   * One streamed attempt of {@code effective}: the chunks in order (with a usage chunk at the end
   * when the server reports usage), then completion; or an error.
   */
  Flux<LmChunk> sendStream(LmRequest effective);

  /**
   * A transport sending through {@code lm}, for a {@link LanguageModel} you hold but did not write
   * (a client from another library, a stub): {@code LmChain.builder(LmTransport.of(lm))} then gives
   * it the chain's cache, history, usage, rate limit and retries. {@code lm} itself should not
   * retry or cache, or those happen twice.
   */
  static LmTransport of(LanguageModel lm) {
    return new LanguageModelTransport(lm);
  }

  /**
   * For a streaming transport: hands the response headers of a streamed attempt to the chain, whose
   * rate limiter reads the server's budget from them ({@code Helicone-RateLimit-*}, {@code
   * x-ratelimit-*}); a non-streamed response carries them in {@link LmResponse#headers()}. {@code
   * headers} is only called when something listens, so building the map costs nothing otherwise.
   * Call it with the Context of the {@link #sendStream} subscription.
   */
  static void reportStreamHeaders(ContextView context, Supplier<Headers> headers) {
    RateLimitLink.reportHeaders(context, headers);
  }
}
