package dev.dspy4j.redis.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LmResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The memory tier in front of Redis: bounded in (estimated) bytes, and every entry expires when its
 * Redis copy does (an answer stored here lives for the TTL; one read from Redis for what remained
 * of its TTL there), so the memory tier never serves an answer Redis has already expired.
 */
public final class MemoryTier {

  /** An entry and how long it may live from now. */
  private record Held(LmResponse response, long lifetimeNanos) {}

  private final Cache<CacheKey, Held> entries;

  /** A tier of at most about {@code maxBytes} (at least 1). */
  public MemoryTier(long maxBytes) {
    this.entries =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<CacheKey, Held>weigher(
                (k, v) -> (int) Math.min(Integer.MAX_VALUE, estimatedBytes(v.response())))
            .expireAfter(
                new Expiry<CacheKey, Held>() {
                  @Override
                  public long expireAfterCreate(CacheKey key, Held value, long currentTime) {
                    return value.lifetimeNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      CacheKey key, Held value, long currentTime, long currentDuration) {
                    return value.lifetimeNanos();
                  }

                  @Override
                  public long expireAfterRead(
                      CacheKey key, Held value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  /** The entry, if held and not expired. */
  public @Nullable LmResponse get(CacheKey key) {
    Held held = entries.getIfPresent(key);
    return held == null ? null : held.response();
  }

  /** Holds {@code response} for {@code lifetime} (nothing if it is not positive). */
  public void put(CacheKey key, LmResponse response, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) return;
    entries.put(key, new Held(response, lifetime.toNanos()));
  }

  /** Entries held after pending evictions ran (for tests and diagnostics). */
  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  private static long estimatedBytes(LmResponse r) {
    long bytes = 96;
    for (String t : r.texts()) bytes += 40 + 2L * t.length();
    bytes += r.finishReason().map(s -> 40 + 2L * s.length()).orElse(0L);
    bytes += r.model().map(s -> 40 + 2L * s.length()).orElse(0L);
    return bytes;
  }
}
