package dev.dspy4j.core.cache;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmResponse;
import reactor.core.publisher.Mono;

/**
 * Where LM answers are cached, like {@code dspy.cache}. One instance is shared process-wide by
 * default ({@code Dspy.cache()}, replaceable with {@code Dspy.configureCache}); {@link
 * DefaultLmCache} is the built-in memory-plus-disk implementation, and you may plug in your own
 * (Redis, ...).
 *
 * <p>Implementations are thread-safe and never block the calling thread: blocking work (disk,
 * network) runs on a scheduler of their own. LMs do not call this directly: the cache link of their
 * {@link LmChain} does, adding the hit marking, coalescing and the bypass switches.
 */
public interface LmCache {

  /**
   * Looks an answer up. Emits the stored response and completes, or completes empty on a miss. An
   * entry that cannot be read is a miss (and should be removed), not an error. Cancelling only
   * stops waiting for the result.
   */
  Mono<LmResponse> get(CacheKey key);

  /**
   * Stores an answer, replacing any entry of the same key. Completes empty once the entry is stored
   * in every layer (so a following {@link #get} finds it); errors only if it could not be stored,
   * which callers treat as "not cached", never as a failed LM call. Cancelling may leave the entry
   * stored in some layers only.
   */
  Mono<Void> put(CacheKey key, LmResponse response);

  /**
   * Called by the cache link when a network call it led for {@code key} (after a miss) failed or
   * was cancelled, so nothing will be {@linkplain #put put} for it: a cache that locks a key while
   * one caller fills it (e.g. cross-process coalescing in a shared tier) releases the lock here.
   * Never called after a successful {@code put}. Errors are logged and ignored. Default: nothing to
   * release.
   */
  default Mono<Void> abandon(CacheKey key) {
    return Mono.empty();
  }
}
