package dev.dspy4j.core.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.LmCache;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The table of in-flight network calls of one {@link LmCache}: every LM that shares a cache also
 * shares its coalescing, as the cache entries it would fill are shared too.
 */
public final class InFlightCalls {

  /** Weak, identity-compared keys: a cache that is no longer used takes its table with it. */
  private static final Cache<LmCache, InFlightCalls> BY_CACHE =
      Caffeine.newBuilder().weakKeys().build();

  private final ConcurrentMap<CacheKey, SharedCall> calls = new ConcurrentHashMap<>();

  private InFlightCalls() {}

  /** The table of {@code cache}. */
  public static InFlightCalls of(LmCache cache) {
    return BY_CACHE.get(cache, c -> new InFlightCalls());
  }

  /**
   * Joins the in-flight call for {@code key} as a follower, or registers a new one whose leader the
   * caller is.
   */
  public Joined join(CacheKey key) {
    var leader = new boolean[1];
    SharedCall call =
        calls.compute(
            key,
            (k, running) -> {
              if (running != null && running.tryJoin()) return running;
              leader[0] = true;
              return new SharedCall(k, calls);
            });
    return new Joined(call, leader[0]);
  }

  /** Calls in flight (for tests). */
  public int size() {
    return calls.size();
  }

  /**
   * The outcome of {@link #join}.
   *
   * @param call the shared call
   * @param leader true if the caller registered it and so must start the network call
   */
  public record Joined(SharedCall call, boolean leader) {}
}
