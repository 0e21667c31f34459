package dev.dspy4j.core.cache;

import dev.dspy4j.core.cache.internal.InFlightCalls;
import dev.dspy4j.core.cache.internal.SharedCall;
import dev.dspy4j.core.cache.internal.StreamAssembler;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seam between an LM and its {@link LmCache}: wraps the LM's network call in lookup, store and
 * request coalescing. An LM calls it with its effective request (defaults merged under per-call
 * values) and a supplier of the network call:
 *
 * <pre>{@code
 * Mono<LmResponse> complete(LmRequest request) {
 *   LmRequest effective = withDefaults(request);
 *   return CachedCall.complete(Dspy.cache(), model, effective, cacheEnabled, () -> send(effective));
 * }
 * }</pre>
 *
 * <p>The cache is used unless the LM turned it off ({@code lmCacheEnabled} false) or the request
 * says {@code cache(false)}; then the network call runs as is: no lookup, no store, no coalescing.
 *
 * <ul>
 *   <li>A hit returns the stored answer with {@code cacheHit()} true, {@link Usage#ZERO} and no
 *       headers; nothing is sent.
 *   <li>A miss sends once; a successful answer is stored (without usage or headers) before it is
 *       emitted; a failure is emitted and never stored.
 *   <li>Identical cacheable calls in flight at the same time share one network call (they share a
 *       key, so they would share the cache entry anyway). The caller that started it receives the
 *       real answer (usage, headers); the others receive it as a hit, so usage is counted once.
 *       A caller that cancels only stops waiting; the network call is cancelled when the last
 *       caller waiting for it has cancelled. A failure reaches every caller waiting at that time.
 *   <li>Streamed and non-streamed calls share entries and in-flight calls.
 * </ul>
 */
public final class CachedCall {

  private static final Logger LOG = LoggerFactory.getLogger(CachedCall.class);

  private CachedCall() {}

  /**
   * A non-streamed call through the cache. Emits one response and completes, or errors with the
   * network call's error (a cache failure is never an error: it is a miss or "not stored").
   * Nothing happens until subscription; cancelling stops waiting and, if no other caller waits for
   * the same in-flight call, cancels the network call.
   *
   * @param cache the cache, usually {@code Dspy.cache()}
   * @param model the model name (part of the key)
   * @param request the effective request (the key is computed from it and {@code model})
   * @param lmCacheEnabled the LM's own cache switch
   * @param network makes the network call; subscribed at most once per call, never on a hit
   */
  public static Mono<LmResponse> complete(
      LmCache cache,
      String model,
      LmRequest request,
      boolean lmCacheEnabled,
      Supplier<? extends Mono<LmResponse>> network) {
    checkArguments(cache, model, request, network);
    if (!usesCache(request, lmCacheEnabled)) return Mono.defer(network);
    return Mono.defer(() -> {
      CacheKey key = CacheKey.of(model, request);
      return lookup(cache, key).switchIfEmpty(Mono.defer(() -> shareComplete(cache, key, network)));
    });
  }

  /**
   * A streamed call through the cache. On a hit, emits one {@link LmChunk#cacheReplay} chunk per
   * choice and completes. On a miss, emits the network chunks unchanged as they arrive (with the
   * network's backpressure), stores the assembled answer when the stream completes normally and
   * then completes; an error is emitted as is and nothing is stored. A caller that joins an
   * identical call already in flight receives its answer as replay chunks when it completes.
   * Cancelling stops this caller's stream; the network stream is cancelled unless another caller
   * is waiting for it (it then runs to the end and fills the cache).
   *
   * @param cache the cache, usually {@code Dspy.cache()}
   * @param model the model name (part of the key)
   * @param request the effective request
   * @param lmCacheEnabled the LM's own cache switch
   * @param network makes the streamed network call; subscribed at most once, never on a hit
   */
  public static Flux<LmChunk> stream(
      LmCache cache,
      String model,
      LmRequest request,
      boolean lmCacheEnabled,
      Supplier<? extends Flux<LmChunk>> network) {
    checkArguments(cache, model, request, network);
    if (!usesCache(request, lmCacheEnabled)) return Flux.defer(network);
    return Flux.defer(() -> {
      CacheKey key = CacheKey.of(model, request);
      return lookup(cache, key)
          .flatMapMany(CachedCall::replay)
          .switchIfEmpty(Flux.defer(() -> shareStream(cache, key, network)));
    });
  }

  /** Whether a call uses the cache: the LM's switch and the request's own {@code cache} setting. */
  public static boolean usesCache(LmRequest request, boolean lmCacheEnabled) {
    return lmCacheEnabled && request.cache().orElse(true);
  }

  private static Mono<LmResponse> shareComplete(
      LmCache cache, CacheKey key, Supplier<? extends Mono<LmResponse>> network) {
    return Mono.deferContextual(context -> {
      var joined = InFlightCalls.of(cache).join(key);
      SharedCall call = joined.call();
      if (!joined.leader()) return call.result().map(CachedCall::asHit).doOnCancel(call::leave);
      // Looked up again: the entry may have been stored between our miss and our registration.
      Mono<LmResponse> work =
          lookup(cache, key)
              .switchIfEmpty(Mono.defer(network).flatMap(answer -> store(cache, key, answer).thenReturn(answer)))
              .contextWrite(context);
      // Subscribed by the shared call, not by this caller, so that this caller may leave alone.
      call.attach(work.subscribe(
          call::succeed,
          call::fail,
          () -> call.fail(new IllegalStateException("the LM's network call completed without a response"))));
      return call.result().doOnCancel(call::leave);
    });
  }

  private static Flux<LmChunk> shareStream(
      LmCache cache, CacheKey key, Supplier<? extends Flux<LmChunk>> network) {
    return Flux.deferContextual(context -> {
      var joined = InFlightCalls.of(cache).join(key);
      SharedCall call = joined.call();
      if (!joined.leader()) {
        return call.result().doOnCancel(call::leave).map(CachedCall::asHit).flatMapMany(CachedCall::replay);
      }
      var assembler = new StreamAssembler();
      Flux<LmChunk> fromNetwork =
          Flux.defer(network)
              .doOnNext(assembler::add)
              .concatWith(Mono.defer(() -> {
                LmResponse whole = assembler.response();
                return store(cache, key, whole).then(Mono.<LmChunk>fromRunnable(() -> call.succeed(whole)));
              }));
      Flux<LmChunk> work =
          lookup(cache, key)
              .doOnNext(call::succeed)
              .flatMapMany(CachedCall::replay)
              .switchIfEmpty(fromNetwork)
              .doOnError(call::fail)
              .contextWrite(context);
      // publish(): this caller reads the network stream directly (its backpressure, no added
      // buffering beyond publish's prefetch), yet may leave without cancelling it for the others.
      ConnectableFlux<LmChunk> shared = work.publish();
      return shared
          .autoConnect(1, call::attach)
          .doOnCancel(() -> {
            if (call.leave()) {
              // Others still wait for the answer: read the rest of the stream for them.
              shared.subscribe(chunk -> {}, error -> {});
            }
          });
    });
  }

  private static Mono<LmResponse> lookup(LmCache cache, CacheKey key) {
    return Mono.defer(() -> cache.get(key))
        .map(CachedCall::asHit)
        // Exceptions only: an Error is a bug (e.g. a cache that blocks) and must not look like a miss.
        .onErrorResume(Exception.class, e -> {
          LOG.warn("dspy4j cache: lookup of {} failed, treating it as a miss ({})", key, e.getMessage());
          return Mono.empty();
        });
  }

  private static Mono<Void> store(LmCache cache, CacheKey key, LmResponse answer) {
    return Mono.defer(() -> cache.put(key, forStorage(answer)))
        .onErrorResume(Exception.class, e -> {
          LOG.warn("dspy4j cache: could not store {}; the answer is not cached ({})", key, e.getMessage());
          return Mono.empty();
        });
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

  /** One chunk per choice; only choice 0 carries the finish reason, the only one a response keeps. */
  private static Flux<LmChunk> replay(LmResponse hit) {
    List<LmChunk> chunks = new ArrayList<>(hit.texts().size());
    for (int i = 0; i < hit.texts().size(); i++) {
      chunks.add(LmChunk.cacheReplay(i, hit.texts().get(i), i == 0 ? hit.finishReason().orElse(null) : null,
          hit.toolCalls(i)));
    }
    return Flux.fromIterable(chunks);
  }

  private static void checkArguments(LmCache cache, String model, LmRequest request, Supplier<?> network) {
    Objects.requireNonNull(cache, "cache must not be null (use Dspy.cache() for the process default)");
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(request, "request must not be null");
    Objects.requireNonNull(network, "network must not be null");
  }
}
