package dev.dspy4j.core.cache;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.usage.LmHistory;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A call through the cache link of an {@link LmChain} whose transport is {@code network}: no
 * retries, no history, so the cache tests see the cache link alone.
 */
public final class ChainCache {

  private ChainCache() {}

  /** A non-streamed call of {@code request} through {@code cache}, {@code network} sending it. */
  public static Mono<LmResponse> complete(
      LmCache cache,
      String model,
      LmRequest request,
      boolean cacheOn,
      Supplier<? extends Mono<LmResponse>> network) {
    return chain(cache, model, cacheOn, network, null).complete(request);
  }

  /** A streamed call of {@code request} through {@code cache}, {@code network} sending it. */
  public static Flux<LmChunk> stream(
      LmCache cache,
      String model,
      LmRequest request,
      boolean cacheOn,
      Supplier<? extends Flux<LmChunk>> network) {
    return chain(cache, model, cacheOn, null, network).stream(request);
  }

  private static LmChain chain(
      LmCache cache,
      String model,
      boolean cacheOn,
      Supplier<? extends Mono<LmResponse>> complete,
      Supplier<? extends Flux<LmChunk>> stream) {
    Objects.requireNonNull(complete == null ? stream : complete, "network must not be null");
    LmTransport transport =
        new LmTransport() {
          @Override
          public String model() {
            return model;
          }

          @Override
          public Mono<LmResponse> send(LmRequest effective) {
            return complete.get();
          }

          @Override
          public Flux<LmChunk> sendStream(LmRequest effective) {
            return stream.get();
          }
        };
    return LmChain.builder(transport)
        .cacheStore(cache)
        .cache(cacheOn)
        .history(LmHistory.disabled())
        .retry(RetryPolicy.none())
        .build();
  }
}
