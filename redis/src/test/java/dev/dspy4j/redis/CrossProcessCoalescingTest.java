package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.redis.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The lock protocol between two cache instances (two "processes": each has its own lock token) on
 * one real redis-server, at the level of the {@code LmCache} SPI.
 */
class CrossProcessCoalescingTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
  }

  private static RedisLmCache cache(String namespace, Duration lockTtl) {
    return RedisLmCache.builder(redis.uri())
        .namespace(namespace)
        .timeout(Duration.ofSeconds(2))
        .coalesceAcrossProcesses(lockTtl)
        .build();
  }

  private static CacheKey key(String question) {
    return CacheKey.of("gpt-4o-mini", LmRequest.ofUser(question));
  }

  @Test
  void aWaiterReceivesTheAnswerTheLockHolderStores() throws Exception {
    try (RedisLmCache holder = cache("wait-for-holder", Duration.ofSeconds(10));
        RedisLmCache waiter = cache("wait-for-holder", Duration.ofSeconds(10))) {
      CacheKey key = key("q1");
      StepVerifier.create(holder.get(key))
          .expectComplete()
          .verify(WAIT); // a miss: holder takes the lock
      assertThat(redis.cli("EXISTS", "wait-for-holder:v1:lock:" + key.value())).isEqualTo("1");

      long started = System.nanoTime();
      var waited = new AtomicReference<LmResponse>();
      var done =
          waiter.get(key).doOnNext(waited::set).subscribeOn(Schedulers.parallel()).toFuture();
      Mono.delay(Duration.ofMillis(300))
          .then(holder.put(key, LmResponse.of("computed once")))
          .block(WAIT);
      done.get();
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

      assertThat(waited.get()).isNotNull();
      assertThat(waited.get().text()).isEqualTo("computed once");
      assertThat(millis).isGreaterThanOrEqualTo(250).isLessThan(5_000);
      assertThat(redis.cli("EXISTS", "wait-for-holder:v1:lock:" + key.value()))
          .isEqualTo("0"); // released
    }
  }

  @Test
  void whenTheHolderNeverStoresTheWaiterTakesOverAfterTheLockExpires() throws Exception {
    try (RedisLmCache holder = cache("holder-died", Duration.ofMillis(400));
        RedisLmCache waiter = cache("holder-died", Duration.ofMillis(400))) {
      CacheKey key = key("q2");
      StepVerifier.create(holder.get(key))
          .expectComplete()
          .verify(WAIT); // takes the lock, then "dies"

      long started = System.nanoTime();
      StepVerifier.create(waiter.get(key))
          .expectComplete()
          .verify(WAIT); // a miss once the lock expired
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(millis).isGreaterThanOrEqualTo(300).isLessThan(5_000);

      // The waiter now holds the lock: its answer is what a third process receives.
      try (RedisLmCache third = cache("holder-died", Duration.ofMillis(400))) {
        var third3 = third.get(key).toFuture();
        waiter.put(key, LmResponse.of("paid by the waiter")).block(WAIT);
        assertThat(third3.get().text()).isEqualTo("paid by the waiter");
      }
    }
  }

  @Test
  void aHolderWhoseCallFailedReleasesItsLockAtOnceSoTheWaiterDoesNotWaitForTheLockTtl()
      throws Exception {
    Duration lockTtl = Duration.ofSeconds(20);
    try (RedisLmCache holder = cache("holder-failed", lockTtl);
        RedisLmCache waiter = cache("holder-failed", lockTtl)) {
      CacheKey key = key("q5");
      String lock = "holder-failed:v1:lock:" + key.value();
      StepVerifier.create(holder.get(key))
          .expectComplete()
          .verify(WAIT); // a miss: holder takes the lock
      assertThat(redis.cli("EXISTS", lock)).isEqualTo("1");

      long started = System.nanoTime();
      var waited = waiter.get(key).subscribeOn(Schedulers.parallel()).toFuture();
      Thread.sleep(300);
      assertThat(waited).isNotDone(); // waiting for the holder's answer
      StepVerifier.create(holder.abandon(key))
          .expectComplete()
          .verify(WAIT); // the holder's call failed

      assertThat(waited.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isNull(); // a miss: the waiter now calls
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(millis).isLessThan(2_000); // not the 20 s lock lifetime
      assertThat(redis.cli("EXISTS", lock)).isEqualTo("1"); // held by the waiter now

      // Abandoning again releases only a lock the caller holds: the waiter's stays.
      StepVerifier.create(holder.abandon(key)).expectComplete().verify(WAIT);
      assertThat(redis.cli("EXISTS", lock)).isEqualTo("1");
      waiter.put(key, LmResponse.of("paid by the waiter")).block(WAIT);
      assertThat(redis.cli("EXISTS", lock)).isEqualTo("0");
      assertThat(holder.get(key).block(WAIT).text()).isEqualTo("paid by the waiter");
    }
  }

  @Test
  void abandonWithoutCoalescingOrWithRedisDownCompletesEmpty() throws Exception {
    try (RedisLmCache plain = RedisLmCache.builder(redis.uri()).namespace("no-lock").build();
        RedisLmCache down =
            RedisLmCache.builder("redis://127.0.0.1:1")
                .timeout(Duration.ofMillis(200))
                .connectTimeout(Duration.ofMillis(200))
                .coalesceAcrossProcesses(Duration.ofSeconds(5))
                .build()) {
      StepVerifier.create(plain.abandon(key("q6"))).expectComplete().verify(WAIT);
      StepVerifier.create(down.abandon(key("q6"))).expectComplete().verify(WAIT);
    }
  }

  @Test
  void theLockHoldersOwnProcessDoesNotWaitForItself() throws Exception {
    try (RedisLmCache holder = cache("own-lock", Duration.ofSeconds(10))) {
      CacheKey key = key("q3");
      StepVerifier.create(holder.get(key)).expectComplete().verify(WAIT);
      long started = System.nanoTime();
      StepVerifier.create(holder.get(key)).expectComplete().verify(WAIT);
      assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isLessThan(2_000);
    }
  }

  @Test
  void aValueOverTheLimitReleasesTheLockSoWaitersDoNotWaitForNothing() throws Exception {
    try (RedisLmCache holder =
        RedisLmCache.builder(redis.uri())
            .namespace("too-big")
            .maxValueBytes(100)
            .coalesceAcrossProcesses(Duration.ofSeconds(20))
            .build()) {
      CacheKey key = key("q4");
      StepVerifier.create(holder.get(key)).expectComplete().verify(WAIT);
      holder.put(key, LmResponse.of("y".repeat(500))).block(WAIT);
      assertThat(redis.cli("EXISTS", "too-big:v1:lock:" + key.value())).isEqualTo("0");
      assertThat(redis.cli("EXISTS", "too-big:v1:" + key.value())).isEqualTo("0");
    }
  }
}
