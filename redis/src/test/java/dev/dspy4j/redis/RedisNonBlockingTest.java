package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.redis.testing.Gateway;
import dev.dspy4j.redis.testing.RedisServer;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * With BlockHound installed, every blocking call on a non-blocking thread (Netty event loops, among
 * them Lettuce's and Reactor Netty's, and Reactor's parallel threads) is recorded; the Redis tier's
 * paths — first connect, hits, misses, stores, cross-process lock waits, Redis down — must record
 * none. Runs in its own JVM (tag "blockhound", see this module's pom).
 */
@Tag("blockhound")
class RedisNonBlockingTest {

  private static final Queue<String> BLOCKING_CALLS = new ConcurrentLinkedQueue<>();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int CALLS = 3_000;
  private static final int PROMPTS = 500;
  private static final int CONCURRENCY = 300;

  @BeforeAll
  static void installBlockHound() {
    BlockHound.install(
        builder ->
            builder
                // Allowed, and why: the test's log backend writes each line to a file (the outage's
                // one
                // warning and Lettuce's reconnect lines are logged on event loops, as every Netty
                // library
                // logs; an application picks an async appender if that matters), and Jackson takes
                // a lock
                // once, the first time it builds a deserializer for a type.
                .allowBlockingCallsInside("org.slf4j.simple.SimpleLogger", "write")
                .allowBlockingCallsInside(
                    "com.fasterxml.jackson.databind.deser.DeserializerCache",
                    "_createAndCacheValueDeserializer")
                // Netty's adaptive allocator takes a short lock when it adds magazines under
                // contention
                // (seen when the test gateway writes its answer after a delay on a parallel
                // thread).
                .allowBlockingCallsInside(
                    "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .blockingMethodCallback(
                    method -> {
                      BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName());
                      var trace =
                          new StringBuilder(
                              "BLOCKING " + method + " on " + Thread.currentThread().getName());
                      for (StackTraceElement e : new Throwable().getStackTrace())
                        trace.append("\n    at ").append(e);
                      System.out.println(trace); // in the surefire output file, to find the culprit
                    }));
  }

  @BeforeEach
  void reset() {
    BLOCKING_CALLS.clear();
  }

  @Test
  void blockHoundCatchesASleepOnANonBlockingThread() {
    StepVerifier.create(
            Mono.delay(Duration.ofMillis(1))
                .doOnNext(
                    x -> {
                      try {
                        Thread.sleep(5);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    assertThat(BLOCKING_CALLS).as("the detector works").anyMatch(call -> call.contains("sleep"));
  }

  @Test
  void everyPathOfTheRedisTierRunsWithoutBlockingANonBlockingThread() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Gateway gateway = Gateway.start(Duration.ofMillis(50));
        RedisLmCache holder =
            RedisLmCache.builder(redis.uri())
                .namespace("nb")
                .coalesceAcrossProcesses(Duration.ofSeconds(5))
                .build();
        RedisLmCache waiter =
            RedisLmCache.builder(redis.uri())
                .namespace("nb")
                .coalesceAcrossProcesses(Duration.ofSeconds(5))
                .build()) {
      // First use (connect), misses, stores, hits: subscribed from a parallel (non-blocking)
      // thread, 300 at once, so that responses complete on several event loops together and their
      // stores and lookups reach Lettuce at the same moment. (Written from those loops, Lettuce's
      // writer lock was contended and an event loop parked: caught here 2 runs in 3.)
      Dspy.configureCache(holder);
      LM lm =
          LM.builder("gpt-4o-mini").apiKey("sk-nb").apiBase(gateway.apiBase()).cache(true).build();
      StepVerifier.create(
              Flux.range(0, CALLS)
                  .flatMap(i -> lm.complete(LmRequest.ofUser("q" + (i % PROMPTS))), CONCURRENCY)
                  .subscribeOn(Schedulers.parallel()))
          .expectNextCount(CALLS)
          .expectComplete()
          .verify(WAIT);

      // A cross-process wait: the waiter polls with Reactor delays until the holder stores.
      CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("waited for"));
      StepVerifier.create(holder.get(key).subscribeOn(Schedulers.parallel()))
          .expectComplete()
          .verify(WAIT);
      var waited = waiter.get(key).subscribeOn(Schedulers.parallel()).toFuture();
      Mono.delay(Duration.ofMillis(100)).then(holder.put(key, LmResponse.of("stored"))).block(WAIT);
      assertThat(waited.get().text()).isEqualTo("stored");

      // Redis down: misses and skipped stores.
      redis.stop();
      StepVerifier.create(
              Flux.range(0, 10)
                  .flatMap(i -> lm.complete(LmRequest.ofUser("down " + i)), 10)
                  .subscribeOn(Schedulers.parallel()))
          .expectNextCount(10)
          .expectComplete()
          .verify(WAIT);
      assertThat(holder.redisAvailable()).isFalse();
    } finally {
      Dspy.configureCache(DefaultLmCache.builder().build());
    }
    assertThat(BLOCKING_CALLS).as("blocking calls on non-blocking threads").isEmpty();
  }
}
