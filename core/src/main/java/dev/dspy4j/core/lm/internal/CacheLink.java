package dev.dspy4j.core.lm.internal;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.cache.internal.InFlightCalls;
import dev.dspy4j.core.cache.internal.SharedCall;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache link of an {@code LmChain}: lookup, request coalescing and store around the network
 * part of a call (retry, rate limit, transport), keyed on {@code (model, effective request)}.
 *
 * <ul>
 *   <li>A hit returns the stored answer with {@code cacheHit()} true, {@link Usage#ZERO} and no
 *       headers; nothing is sent.
 *   <li>A miss sends once; a successful answer is stored (without usage or headers) before it is
 *       emitted; a failure is emitted and never stored.
 *   <li>Identical calls in flight at the same time share one network call. The caller that started
 *       it (the leader) receives the real answer (usage, headers); the others receive it as a hit,
 *       so usage is counted once. A caller that cancels only stops waiting; the network call is
 *       cancelled when the last caller waiting for it has cancelled. A failure reaches every caller
 *       waiting at that time. When the leader's network call fails or is cancelled, the cache is
 *       told ({@link LmCache#abandon}) so a cache that locks the key can release it.
 *   <li>Streamed and non-streamed calls share entries and in-flight calls.
 *   <li>A cache failure is never the call's error: a failed lookup is a miss, a failed store "not
 *       stored".
 * </ul>
 */
public final class CacheLink {

  private static final Logger LOG = LoggerFactory.getLogger(CacheLink.class);

  private CacheLink() {}

  /**
   * The network side of a streamed call: its chunks, and the whole answer once they completed
   * (assembled by the call's bookkeeping, so the chunks are read once).
   *
   * @param chunks the network chunks
   * @param whole the assembled answer, read after {@code chunks} completed
   */
  public record NetworkStream(Flux<LmChunk> chunks, Supplier<LmResponse> whole) {}

  /** Whether a call uses the cache: the request's own switch, else the chain's. */
  public static boolean usesCache(LmRequest effective, boolean chainDefault) {
    return effective.cache().orElse(chainDefault);
  }

  /**
   * A non-streamed call through {@code cache}; {@code network} is subscribed at most once, never on
   * a hit.
   */
  public static Mono<LmResponse> complete(
      LmCache cache,
      String model,
      LmRequest effective,
      Supplier<? extends Mono<LmResponse>> network) {
    CacheKey key = CacheKey.of(model, effective);
    return lookup(cache, key).switchIfEmpty(Mono.defer(() -> shareComplete(cache, key, network)));
  }

  /**
   * A streamed call through {@code cache}. On a hit, {@code onHit} is told the answer when its
   * replay (one {@link LmChunk#cacheReplay} chunk per choice) completes. On a miss the network
   * chunks are emitted as they arrive (with the network's backpressure) and the answer is stored
   * when they complete.
   */
  public static Flux<LmChunk> stream(
      LmCache cache,
      String model,
      LmRequest effective,
      Supplier<NetworkStream> network,
      Consumer<LmResponse> onHit) {
    CacheKey key = CacheKey.of(model, effective);
    return lookup(cache, key)
        .flatMapMany(hit -> replay(hit, onHit))
        .switchIfEmpty(Flux.defer(() -> shareStream(cache, key, network, onHit)));
  }

  private static Mono<LmResponse> shareComplete(
      LmCache cache, CacheKey key, Supplier<? extends Mono<LmResponse>> network) {
    return Mono.deferContextual(
        context -> {
          var joined = InFlightCalls.of(cache).join(key);
          SharedCall call = joined.call();
          if (!joined.leader()) return call.result().map(CacheLink::asHit).doOnCancel(call::leave);
          // Looked up again: the entry may have been stored between our miss and our registration.
          Mono<LmResponse> work =
              lookup(cache, key)
                  .switchIfEmpty(
                      Mono.defer(network)
                          .doOnError(e -> abandon(cache, key))
                          .doOnCancel(() -> abandon(cache, key))
                          .flatMap(answer -> store(cache, key, answer).thenReturn(answer)))
                  .contextWrite(context);
          // Subscribed by the shared call, not by this caller, so that this caller may leave alone.
          call.attach(
              work.subscribe(
                  call::succeed,
                  call::fail,
                  () ->
                      call.fail(
                          new IllegalStateException(
                              "the LM's network call completed without a response"))));
          return call.result().doOnCancel(call::leave);
        });
  }

  private static Flux<LmChunk> shareStream(
      LmCache cache, CacheKey key, Supplier<NetworkStream> network, Consumer<LmResponse> onHit) {
    return Flux.deferContextual(
        context -> {
          var joined = InFlightCalls.of(cache).join(key);
          SharedCall call = joined.call();
          if (!joined.leader()) {
            return call.result()
                .doOnCancel(call::leave)
                .map(CacheLink::asHit)
                .flatMapMany(hit -> replay(hit, onHit));
          }
          Flux<LmChunk> fromNetwork =
              Flux.defer(
                  () -> {
                    NetworkStream stream = network.get();
                    return stream
                        .chunks()
                        .doOnError(e -> abandon(cache, key))
                        .doOnCancel(() -> abandon(cache, key))
                        .concatWith(
                            Mono.defer(
                                () -> {
                                  LmResponse whole = stream.whole().get();
                                  return store(cache, key, whole)
                                      .then(Mono.<LmChunk>fromRunnable(() -> call.succeed(whole)));
                                }));
                  });
          Flux<LmChunk> work =
              lookup(cache, key)
                  .doOnNext(call::succeed)
                  .flatMapMany(hit -> replay(hit, onHit))
                  .switchIfEmpty(fromNetwork)
                  .doOnError(call::fail)
                  .contextWrite(context);
          // publish(): this caller reads the network stream directly (its backpressure, no added
          // buffering beyond publish's prefetch), yet may leave without cancelling it for the
          // others.
          ConnectableFlux<LmChunk> shared = work.publish();
          return shared
              .autoConnect(1, call::attach)
              .doOnCancel(
                  () -> {
                    if (call.leave()) {
                      // Others still wait for the answer: read the rest of the stream for them.
                      shared.subscribe(chunk -> {}, error -> {});
                    }
                  });
        });
  }

  private static Mono<LmResponse> lookup(LmCache cache, CacheKey key) {
    return Mono.defer(() -> cache.get(key))
        .map(CacheLink::asHit)
        // Exceptions only: an Error is a bug (e.g. a cache that blocks) and must not look like a
        // miss.
        .onErrorResume(
            Exception.class,
            e -> {
              LOG.warn(
                  "dspy4j cache: lookup of {} failed, treating it as a miss ({})",
                  key,
                  e.getMessage());
              return Mono.empty();
            });
  }

  private static Mono<Void> store(LmCache cache, CacheKey key, LmResponse answer) {
    return Mono.defer(() -> cache.put(key, forStorage(answer)))
        .onErrorResume(
            Exception.class,
            e -> {
              LOG.warn(
                  "dspy4j cache: could not store {}; the answer is not cached ({})",
                  key,
                  e.getMessage());
              return Mono.empty();
            });
  }

  /**
   * Tells the cache that the call it led for {@code key} ended without an answer; never fails the
   * call.
   */
  private static void abandon(LmCache cache, CacheKey key) {
    Mono.defer(() -> cache.abandon(key))
        .subscribe(
            null, e -> LOG.warn("dspy4j cache: could not release {} ({})", key, e.getMessage()));
  }

  /** What is stored: the texts, function calls, finish reason and model; never usage or headers. */
  private static LmResponse forStorage(LmResponse answer) {
    return LmResponse.builder(answer.texts())
        .finishReason(answer.finishReason().orElse(null))
        .model(answer.model().orElse(null))
        .toolCalls(answer.toolCallsByChoice())
        .build();
  }

  private static LmResponse asHit(LmResponse stored) {
    return stored.toBuilder().cacheHit(true).usage(Usage.ZERO).headers(Map.of()).build();
  }

  /**
   * One chunk per choice; only choice 0 carries the finish reason, the only one a response keeps.
   */
  private static Flux<LmChunk> replay(LmResponse hit, Consumer<LmResponse> onHit) {
    List<LmChunk> chunks = new ArrayList<>(hit.texts().size());
    for (int i = 0; i < hit.texts().size(); i++) {
      chunks.add(
          LmChunk.cacheReplay(
              i,
              hit.texts().get(i),
              i == 0 ? hit.finishReason().orElse(null) : null,
              hit.toolCalls(i)));
    }
    return Flux.fromIterable(chunks).doOnComplete(() -> onHit.accept(hit));
  }
}
