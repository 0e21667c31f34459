package dev.dspy4j.redis;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.redis.internal.MemoryTier;
import dev.dspy4j.redis.internal.RedisConnection;
import dev.dspy4j.redis.internal.RedisHealth;
import dev.dspy4j.redis.internal.RedisTier;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link LmCache} shared by every process of a fleet: a memory tier in front, Redis behind, so
 * that an identical LM call is paid once by the whole fleet.
 *
 * <pre>{@code
 * LmCache shared = RedisLmCache.builder("redis://127.0.0.1:6379").ttl(Duration.ofDays(7)).build();
 * Dspy.configureCache(shared);                     // every LM in the process uses it
 * }</pre>
 *
 * <ul>
 *   <li>Keys are the existing {@link CacheKey} (a SHA-256 of the canonical request, never
 *       credentials nor tracing headers) under a namespace: {@code <namespace>:v1:<sha256>}.
 *   <li>Values are JSON (texts, finish reason, model; never usage, headers or the request), never
 *       Java serialization; a value over the size limit is not stored in Redis (the memory tier
 *       still holds it). Entries expire after the TTL, in Redis and in memory alike.
 *   <li>Redis down or slower than the timeout is a miss, never a failed call: the first failure
 *       logs one warning, later calls skip Redis (trying it again once per probe interval) until it
 *       answers again, which logs one INFO line. The connection is opened on first use and Lettuce
 *       reconnects by itself after a restart.
 *   <li>With {@link Builder#coalesceAcrossProcesses(Duration)}, a miss takes a short Redis lock so
 *       that the other processes asking the same question at the same time wait for this one's
 *       answer (without blocking a thread) instead of paying for it too.
 * </ul>
 *
 * <p>Thread-safe; no method blocks except {@link #close()}. Close it when the process no longer
 * needs it (it owns a Lettuce client and its threads).
 */
public final class RedisLmCache implements LmCache, AutoCloseable {

  /** Default entry lifetime: 7 days, like Helicone's gateway cache. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  /** Default namespace: keys are {@code dspy4j:v1:<sha256>}. */
  public static final String DEFAULT_NAMESPACE = "dspy4j";

  /** Default size limit of one value in Redis: 1 MiB of JSON. */
  public static final long DEFAULT_MAX_VALUE_BYTES = 1L << 20;

  /** Default time a Redis operation may take before it counts as a miss: 500 ms. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

  /** Default interval between tries while Redis is unreachable: 1 s. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

  /** Default memory tier size: 64 MiB (estimated from the texts). */
  public static final long DEFAULT_MEMORY_MAX_BYTES = 64L << 20;

  /** Default lock lifetime for cross-process coalescing: 30 s. */
  public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(30);

  private static final java.util.Set<String> SCHEMES =
      java.util.Set.of(
          "redis",
          "rediss",
          "redis+ssl",
          "redis+tls",
          "redis-sentinel",
          "rediss-sentinel",
          "redis-sentinel+ssl",
          "redis-sentinel+tls",
          "redis-socket");

  /** The format version in every key; a new value format gets a new version, never a clash. */
  static final String KEY_VERSION = "v1";

  private final String description;
  private final String namespace;
  private final Duration ttl;
  private final @Nullable MemoryTier memory;
  private final RedisConnection connection;
  private final RedisHealth health;
  private final RedisTier redis;

  private RedisLmCache(Builder b) {
    this.description = describe(b.uri);
    this.namespace = b.namespace;
    this.ttl = b.ttl;
    this.memory = b.memoryMaxBytes == 0 ? null : new MemoryTier(b.memoryMaxBytes);
    this.connection = new RedisConnection(b.uri, b.connectTimeout, b.timeout);
    this.health = new RedisHealth(description, b.probeInterval);
    this.redis =
        new RedisTier(
            connection,
            health,
            b.namespace + ":" + KEY_VERSION + ":",
            b.ttl,
            b.maxValueBytes,
            b.lockTtl);
  }

  /**
   * A builder for a cache on the Redis at {@code redisUri}, in Lettuce's URI syntax: {@code
   * redis://[[user]:password@]host[:port][/database]}, {@code rediss://} for TLS, {@code
   * redis-sentinel://...}. Nothing is connected until the first lookup.
   *
   * @throws IllegalArgumentException if the URI cannot be parsed (the message never repeats a
   *     password)
   */
  public static Builder builder(String redisUri) {
    Objects.requireNonNull(redisUri, "redisUri must not be null");
    String scheme = redisUri.contains("://") ? redisUri.substring(0, redisUri.indexOf("://")) : "";
    if (!SCHEMES.contains(scheme.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(
          "not a Redis URI: the scheme must be one of "
              + SCHEMES
              + " (e.g. redis://127.0.0.1:6379), was \""
              + scheme
              + "\"");
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a Redis URI (expected redis://[[user]:password@]host[:port][/database])");
    }
    return new Builder(uri);
  }

  /** A builder for a cache on the Redis described by {@code uri} (Lettuce's own type). */
  public static Builder builder(RedisURI uri) {
    return new Builder(Objects.requireNonNull(uri, "uri must not be null"));
  }

  /**
   * Emits the answer from memory, else from Redis (copying it into memory for what remains of its
   * TTL), else completes empty. Never errors: Redis down or slower than the timeout is a miss. With
   * cross-process coalescing, a miss may first wait (without blocking) for another process that is
   * computing the same answer, at most about the lock lifetime. Cancelling only stops waiting.
   */
  @Override
  public Mono<LmResponse> get(CacheKey key) {
    Objects.requireNonNull(key, "key must not be null");
    return Mono.defer(
        () -> {
          if (memory != null) {
            LmResponse held = memory.get(key);
            if (held != null) return Mono.just(held);
          }
          return redis
              .lookup(key)
              .map(
                  found -> {
                    if (memory != null) memory.put(key, found.response(), found.remaining());
                    return found.response();
                  });
        });
  }

  /**
   * Holds the answer in memory at once and completes when Redis stored it (or when Redis is down,
   * slow, or the value is over the size limit: it is then not in Redis). Never errors.
   */
  @Override
  public Mono<Void> put(CacheKey key, LmResponse response) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(response, "response must not be null");
    return Mono.defer(
        () -> {
          if (memory != null) memory.put(key, response, ttl);
          return redis.store(key, response);
        });
  }

  /**
   * The call this process led for {@code key} failed or was cancelled: with cross-process
   * coalescing, releases this process's Redis lock on the key (only if it still holds it), so that
   * the processes waiting for the answer take the lock and call at once instead of waiting for the
   * lock lifetime. Without coalescing there is nothing to release. Never errors: Redis down or slow
   * leaves the lock to expire by itself.
   */
  @Override
  public Mono<Void> abandon(CacheKey key) {
    Objects.requireNonNull(key, "key must not be null");
    return redis.release(key);
  }

  /** The Redis key under which {@code key}'s answer is stored: {@code <namespace>:v1:<sha256>}. */
  public String redisKey(CacheKey key) {
    return redis.entryKey(Objects.requireNonNull(key, "key must not be null"));
  }

  /** The namespace of every key. */
  public String namespace() {
    return namespace;
  }

  /** Whether Redis answered the last time it was used (false during an outage). */
  public boolean redisAvailable() {
    return health.isUp();
  }

  /** How many Redis outages this cache has seen (each logged one warning). */
  public long redisOutages() {
    return health.outages();
  }

  /**
   * Closes the Redis connection and releases Lettuce's threads; completes when done. Later lookups
   * are misses and later stores keep answers in memory only.
   */
  public Mono<Void> closeAsync() {
    return connection.close();
  }

  /**
   * Like {@link #closeAsync()}, waiting up to 5 s for it.
   *
   * @throws IllegalStateException on a non-blocking thread (an event loop): use {@link
   *     #closeAsync()} there
   */
  @Override
  public void close() {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException("close() waits; on a non-blocking thread use closeAsync()");
    }
    try {
      closeAsync().toFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Best effort: Lettuce's threads are told to stop; not waiting longer for them.
    }
  }

  /** Names the Redis host, port and database; never a password. */
  @Override
  public String toString() {
    return "RedisLmCache[" + description + ", namespace=" + namespace + ", ttl=" + ttl + "]";
  }

  private static String describe(RedisURI uri) {
    String scheme = uri.isSsl() ? "rediss" : "redis";
    if (uri.getHost() == null) return scheme + "://(sentinel or socket)/" + uri.getDatabase();
    return scheme + "://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  /** Builds a {@link RedisLmCache}; each setter checks its argument at once. */
  public static final class Builder {
    private final RedisURI uri;
    private Duration ttl = DEFAULT_TTL;
    private String namespace = DEFAULT_NAMESPACE;
    private long maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;
    private @Nullable Duration lockTtl;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /** How long an entry lives, in Redis and in memory (default 7 days; at least 1 ms). */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * The prefix of every key (default {@value #DEFAULT_NAMESPACE}): applications or environments
     * sharing one Redis keep apart with different namespaces. 1 to 100 printable ASCII characters,
     * no spaces.
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace must not be null");
      if (namespace.isEmpty()
          || namespace.length() > 100
          || !namespace.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "a namespace is 1 to 100 printable ASCII characters without spaces, was \""
                + namespace
                + "\"");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The largest value stored in Redis, in bytes of JSON (default 1 MiB); larger ones stay in
     * memory only.
     */
    public Builder maxValueBytes(long maxValueBytes) {
      if (maxValueBytes < 1)
        throw new IllegalArgumentException(
            "maxValueBytes must be at least 1, was " + maxValueBytes);
      this.maxValueBytes = maxValueBytes;
      return this;
    }

    /** How long one Redis operation may take before it counts as a miss (default 250 ms). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * How long opening the connection may take (default 2 s); lookups meanwhile are misses after
     * {@link #timeout}.
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * While Redis is unreachable, how often one call tries it again (default 1 s); the others skip
     * it.
     */
    public Builder probeInterval(Duration probeInterval) {
      this.probeInterval = positive(probeInterval, "probeInterval");
      return this;
    }

    /** The size of the memory tier in (estimated) bytes (default 64 MiB); 0 turns it off. */
    public Builder memoryMaxBytes(long memoryMaxBytes) {
      if (memoryMaxBytes < 0)
        throw new IllegalArgumentException(
            "memoryMaxBytes must be 0 or more, was " + memoryMaxBytes);
      this.memoryMaxBytes = memoryMaxBytes;
      return this;
    }

    /** Cross-process coalescing with the default lock lifetime of 30 s (see the overload). */
    public Builder coalesceAcrossProcesses() {
      return coalesceAcrossProcesses(DEFAULT_LOCK_TTL);
    }

    /**
     * Turns on cross-process coalescing: the first process to miss takes a Redis lock on the key
     * (SET NX PX {@code lockTtl}); other processes asking the same question meanwhile wait, without
     * blocking a thread, until the answer is stored or the lock expires, then read it. The lock is
     * released when the answer is stored, and when the holder's call fails or is cancelled ({@link
     * #abandon}); if the holder dies, it expires after {@code lockTtl} and the next caller takes
     * it. Choose {@code lockTtl} a little above your usual LM call time: longer calls may be paid
     * twice, and a dead holder delays the waiters by up to {@code lockTtl}.
     */
    public Builder coalesceAcrossProcesses(Duration lockTtl) {
      this.lockTtl = positive(lockTtl, "lockTtl");
      return this;
    }

    /** The cache. Opens no connection: that happens on first use, off the caller's thread. */
    public RedisLmCache build() {
      return new RedisLmCache(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.toMillis() < 1)
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
      return d;
    }
  }
}
