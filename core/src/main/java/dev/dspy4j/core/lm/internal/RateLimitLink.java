package dev.dspy4j.core.lm.internal;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.ratelimit.RateLimiter;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The rate-limit link of an {@code LmChain}: every attempt (so every retry too) waits for a permit
 * of the {@link RateLimiter} and reports back to it. A response's usage and rate-limit headers, or
 * a 429, adapt the limiter's pace for every caller; a streamed attempt's response headers reach it
 * through {@link #reportHeaders} (called by the transport via {@code
 * LmTransport.reportStreamHeaders}).
 */
public final class RateLimitLink {

  /** Context key of the listener for a streamed attempt's response headers. */
  private static final Object HEADERS_KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.streamResponseHeaders";
        }
      };

  private final RateLimiter limiter;

  /** A link waiting for permits of {@code limiter}. */
  public RateLimitLink(RateLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter must not be null");
  }

  /** One non-streamed attempt under a permit, held until the response, the error or the cancel. */
  public Mono<LmResponse> complete(Mono<LmResponse> attempt) {
    return limiter.run(attempt);
  }

  /** One streamed attempt under a permit, held until the stream terminates or is cancelled. */
  public Flux<LmChunk> stream(Flux<LmChunk> attempt) {
    Consumer<Headers> listener = limiter::onResponseHeaders;
    return limiter.runStream(attempt.contextWrite(c -> c.put(HEADERS_KEY, listener)));
  }

  /**
   * Hands a streamed attempt's response headers to the limiter listening in {@code context}, if
   * any.
   */
  @SuppressWarnings("unchecked")
  public static void reportHeaders(ContextView context, Supplier<Headers> headers) {
    Object listener = context.getOrDefault(HEADERS_KEY, null);
    if (listener != null) {
      ((Consumer<Headers>) listener).accept(headers.get());
    }
  }
}
