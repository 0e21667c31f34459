package dev.dspy4j.redis.internal;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LmResponse;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The Redis half of the cache: lookups and stores under a namespace, each bounded by a timeout,
 * with every failure turned into a miss (or "not stored") and reported to {@link RedisHealth}.
 * Never errors. With a lock lifetime set, a miss takes a short Redis lock (SET NX PX) so that the
 * other processes asking for the same answer wait for it (polling, with Reactor delays) instead of
 * paying for it too; the lock is released when the answer is stored or the call is abandoned, or
 * expires by itself.
 */
public final class RedisTier {

  private static final Logger LOG = LoggerFactory.getLogger("dev.dspy4j.redis.RedisLmCache");

  private static final Duration FIRST_POLL = Duration.ofMillis(5);
  private static final Duration MAX_POLL = Duration.ofMillis(100);

  /**
   * An answer found in Redis.
   *
   * @param response the stored answer
   * @param remaining how long Redis still keeps it
   */
  public record Found(LmResponse response, Duration remaining) {}

  private final RedisConnection connection;
  private final RedisHealth health;
  private final String prefix;
  private final Duration ttl;
  private final long maxValueBytes;
  private final @Nullable Duration lockTtl;

  /** Identifies this cache instance as a lock holder. Random: it says nothing about the process. */
  private final String token = UUID.randomUUID().toString();

  /** Lookups in progress, shared by identical concurrent calls of this process. */
  private final ConcurrentMap<CacheKey, Sinks.One<Found>> lookups = new ConcurrentHashMap<>();

  /**
   * @param prefix the namespace prefix of every key, e.g. {@code "dspy4j:v1:"}
   * @param lockTtl the lock lifetime for cross-process coalescing, or null for none
   */
  public RedisTier(
      RedisConnection connection,
      RedisHealth health,
      String prefix,
      Duration ttl,
      long maxValueBytes,
      @Nullable Duration lockTtl) {
    this.connection = connection;
    this.health = health;
    this.prefix = prefix;
    this.ttl = ttl;
    this.maxValueBytes = maxValueBytes;
    this.lockTtl = lockTtl;
  }

  /** The Redis key of an entry. */
  public String entryKey(CacheKey key) {
    return prefix + key.value();
  }

  /** The Redis key of an entry's lock. */
  public String lockKey(CacheKey key) {
    return prefix + "lock:" + key.value();
  }

  /**
   * Emits the answer stored in Redis, or completes empty: on a miss, when Redis is down or slower
   * than the timeout, or (with coalescing) when this call now holds the lock and is to compute the
   * answer, or when another holder did not store it in time. Never errors. Identical concurrent
   * lookups of this process share one.
   */
  public Mono<Found> lookup(CacheKey key) {
    return Mono.defer(
        () -> {
          Sinks.One<Found> mine = Sinks.one();
          Sinks.One<Found> running = lookups.putIfAbsent(key, mine);
          if (running != null) return running.asMono();
          long deadline =
              System.nanoTime() + (lockTtl == null ? 0 : lockTtl.plus(MAX_POLL).toNanos());
          // Runs to its end even if every caller cancels (it is bounded by the timeouts); it leaves
          // the
          // table before it emits, so a later caller never receives a stale result.
          lookupOrWait(key, deadline, 0)
              .subscribe(
                  found -> {
                    lookups.remove(key, mine);
                    mine.tryEmitValue(found);
                  },
                  error -> {
                    // Only an Error gets here (a bug, such as a blocking call caught by
                    // BlockHound):
                    // lookupOrWait turns every Exception into a miss. Errors are not misses; pass
                    // it on.
                    lookups.remove(key, mine);
                    mine.tryEmitError(error);
                  },
                  () -> {
                    lookups.remove(key, mine);
                    mine.tryEmitEmpty();
                  });
          return mine.asMono();
        });
  }

  private Mono<Found> lookupOrWait(CacheKey key, long deadline, int attempt) {
    Mono<Found> plainGet =
        Mono.defer(
            () -> {
              if (connection.isClosed() || !health.tryUse()) return Mono.empty();
              return guarded(c -> c.get(entryKey(key))).flatMap(json -> found(key, json));
            });
    return lockTtl == null
        ? plainGet
        : plainGet.switchIfEmpty(Mono.defer(() -> lockOrWait(key, deadline, attempt)));
  }

  private Mono<Found> lockOrWait(CacheKey key, long deadline, int attempt) {
    if (connection.isClosed() || !health.tryUse()) return Mono.empty();
    String[] keys = {entryKey(key), lockKey(key)};
    String lockMillis = Long.toString(lockTtl.toMillis());
    return guarded(
            c ->
                c.<Object>eval(
                        RedisScripts.LOOKUP_OR_LOCK,
                        ScriptOutputType.MULTI,
                        keys,
                        token,
                        lockMillis)
                    .collectList())
        .flatMap(
            reply -> {
              List<?> r = flatten(reply);
              String outcome = r.isEmpty() ? "" : String.valueOf(r.get(0));
              switch (outcome) {
                case "hit":
                  return found(key, String.valueOf(r.get(1)));
                case "wait":
                  {
                    Duration pause = pollDelay(attempt);
                    if (System.nanoTime() + pause.toNanos() - deadline > 0) {
                      LOG.debug(
                          "dspy4j redis cache: gave up waiting for another process to store {}",
                          key);
                      return Mono.empty();
                    }
                    return Mono.delay(pause)
                        .then(Mono.defer(() -> lockOrWait(key, deadline, attempt + 1)));
                  }
                default:
                  return Mono.empty(); // "locked": this caller computes the answer
              }
            });
  }

  private Mono<Found> found(CacheKey key, String json) {
    RedisEntry entry = RedisEntry.read(json, key.value());
    if (entry == null) {
      LOG.debug(
          "dspy4j redis cache: the value of {} is not a readable entry; treating it as a miss",
          key);
      return Mono.empty();
    }
    long left = entry.expiresAt() - System.currentTimeMillis();
    // Clocks of two hosts may differ a little: never keep it longer than the TTL, nor negative.
    Duration remaining =
        entry.expiresAt() <= 0
            ? ttl
            : Duration.ofMillis(Math.max(0, Math.min(left, ttl.toMillis())));
    return Mono.just(new Found(entry.response(), remaining));
  }

  /**
   * Stores {@code response} for the TTL (unless its JSON is over the size limit) and releases this
   * instance's lock on the key. Completes empty when done, when Redis is down or slow (then it is
   * not stored), never with an error.
   */
  public Mono<Void> store(CacheKey key, LmResponse response) {
    return Mono.defer(
        () -> {
          String json =
              RedisEntry.of(key.value(), response, System.currentTimeMillis() + ttl.toMillis())
                  .toJson();
          boolean fits = json.getBytes(StandardCharsets.UTF_8).length <= maxValueBytes;
          if (!fits) {
            LOG.debug(
                "dspy4j redis cache: the answer for {} is over the size limit of {} bytes; not stored in Redis",
                key,
                maxValueBytes);
            if (lockTtl == null) return Mono.empty();
          }
          if (connection.isClosed() || !health.tryUse()) return Mono.empty();
          if (lockTtl == null) {
            return guarded(c -> c.set(entryKey(key), json, SetArgs.Builder.px(ttl.toMillis())))
                .then();
          }
          String[] keys = {entryKey(key), lockKey(key)};
          return guarded(
                  c ->
                      c.<Object>eval(
                              RedisScripts.STORE,
                              ScriptOutputType.INTEGER,
                              keys,
                              fits ? json : "",
                              Long.toString(ttl.toMillis()),
                              token)
                          .then(Mono.just(Boolean.TRUE)))
              .then();
        });
  }

  /**
   * Releases this instance's lock on {@code key}, if it holds it: the call it led failed or was
   * cancelled, so no answer will be stored and the processes waiting for it may take the lock at
   * once instead of after the lock lifetime. Another holder's lock is left alone. Completes empty
   * (also without coalescing, or when Redis is down or slow), never with an error.
   */
  public Mono<Void> release(CacheKey key) {
    return Mono.defer(
        () -> {
          if (lockTtl == null || connection.isClosed() || !health.tryUse()) return Mono.empty();
          String[] keys = {lockKey(key)};
          return guarded(
                  c ->
                      c.<Long>eval(RedisScripts.RELEASE, ScriptOutputType.INTEGER, keys, token)
                          .then())
              .then();
        });
  }

  /**
   * Runs {@code operation} on the connection (opening it first if needed, within the connect
   * timeout; each command is bounded by the command timeout); reports the outcome to the health;
   * turns a failure into empty.
   */
  private <T> Mono<T> guarded(Function<RedisReactiveCommands<String, String>, Mono<T>> operation) {
    // The command timeout is Lettuce's (see RedisConnection); a RedisCommandTimeoutException is a
    // failure like any other.
    return connection
        .run(operation)
        .doOnSuccess(ignored -> health.succeeded())
        // Exceptions only: an Error is a bug and must surface.
        .onErrorResume(
            Exception.class,
            e -> {
              health.failed(e);
              return Mono.empty();
            });
  }

  /** Lettuce may hand a script's array reply over as one list or as its elements. */
  private static List<?> flatten(List<Object> reply) {
    if (reply.size() == 1 && reply.get(0) instanceof List<?> inner) return inner;
    return reply;
  }

  private static Duration pollDelay(int attempt) {
    long millis = FIRST_POLL.toMillis() << Math.min(attempt, 10);
    return Duration.ofMillis(Math.min(millis, MAX_POLL.toMillis()));
  }
}
