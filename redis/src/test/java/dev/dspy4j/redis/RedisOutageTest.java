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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Redis stopped, paused (slow) or not yet started: LM calls still succeed, one warning per outage,
 * and Redis is used again once it answers. A real redis-server, the real LM over loopback HTTP; the
 * warnings are counted in the log file the tests write (see the module's surefire configuration).
 */
class RedisOutageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path LOG =
      Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/redis-tests.log"));

  private RedisServer redis;
  private Gateway gateway;
  private RedisLmCache cache;
  private LM lm;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    gateway = Gateway.start(Duration.ofMillis(5));
    lm =
        LM.builder("gpt-4o-mini")
            .apiKey("sk-outage-test")
            .apiBase(gateway.apiBase())
            .cache(true)
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (cache != null) cache.close();
    Dspy.configureCache(DefaultLmCache.builder().build());
    gateway.close();
    redis.close();
  }

  private RedisLmCache.Builder builder() {
    // A generous timeout: this 2-core machine is shared by several builds; the slow test sets its
    // own.
    return RedisLmCache.builder(redis.uri())
        .probeInterval(Duration.ofMillis(200))
        .timeout(Duration.ofSeconds(2));
  }

  /** Lines of this test's Redis (its port is unique) logged by the cache at {@code level}. */
  private List<String> logged(String level) throws Exception {
    if (!Files.exists(LOG)) return List.of();
    String endpoint = "127.0.0.1:" + redis.port() + "/";
    return Files.readAllLines(LOG, StandardCharsets.UTF_8).stream()
        .filter(
            l -> l.contains(" " + level + " dev.dspy4j.redis.RedisLmCache") && l.contains(endpoint))
        .toList();
  }

  private List<LmResponse> calls(String prefix, int n) {
    return Flux.range(0, n)
        .flatMap(i -> lm.complete(LmRequest.ofUser(prefix + i)), 8)
        .collectList()
        .block(WAIT);
  }

  private boolean inRedis(String question) throws Exception {
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser(question));
    return !redis.cli("EXISTS", cache.redisKey(key)).equals("0");
  }

  @Test
  void redisStoppedMidRunCallsSucceedWithOneWarningAndAfterARestartItIsUsedAgain()
      throws Exception {
    cache = builder().build();
    Dspy.configureCache(cache);
    assertThat(calls("before ", 20)).hasSize(20).allMatch(r -> !r.cacheHit());
    assertThat(inRedis("before 7")).isTrue();
    assertThat(logged("WARN")).isEmpty();

    redis.stop();
    // Many calls during the outage, concurrent and one after another, and repeats of answered ones.
    List<LmResponse> during = calls("during ", 60);
    assertThat(during).hasSize(60).allMatch(r -> r.text().startsWith("answer to: during "));
    for (int i = 0; i < 10; i++) {
      assertThat(lm.complete(LmRequest.ofUser("sequential " + i)).block(WAIT).text())
          .isEqualTo("answer to: sequential " + i);
    }
    assertThat(lm.complete(LmRequest.ofUser("before 3")).block(WAIT).cacheHit())
        .isTrue(); // memory tier
    assertThat(cache.redisAvailable()).isFalse();
    assertThat(logged("WARN")).hasSize(1);

    redis.restart(); // empty: no persistence
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int i = 0;
    boolean usedAgain = false;
    while (!usedAgain && System.nanoTime() < deadline) {
      String q = "after " + i++;
      assertThat(lm.complete(LmRequest.ofUser(q)).block(WAIT).text()).isEqualTo("answer to: " + q);
      usedAgain = inRedis(q);
      if (!usedAgain) Thread.sleep(50);
    }
    assertThat(usedAgain).as("an answer reached the restarted Redis").isTrue();
    assertThat(cache.redisAvailable()).isTrue();
    assertThat(logged("WARN")).hasSize(1);
    assertThat(logged("INFO")).hasSize(1).allMatch(l -> l.contains("answers again"));

    // And another process (another cache instance) reads it from there.
    int sent = gateway.requests();
    try (RedisLmCache other = builder().build()) {
      Dspy.configureCache(other);
      assertThat(lm.complete(LmRequest.ofUser("after " + (i - 1))).block(WAIT).cacheHit()).isTrue();
      assertThat(gateway.requests()).isEqualTo(sent);
    }
  }

  @Test
  void aSlowRedisIsAMissAfterTheTimeoutAndCallsStillSucceed() throws Exception {
    cache = builder().memoryMaxBytes(0).timeout(Duration.ofMillis(500)).build();
    Dspy.configureCache(cache);
    lm.complete(LmRequest.ofUser("warm")).block(WAIT);
    assertThat(inRedis("warm")).isTrue();
    assertThat(logged("WARN")).isEmpty();

    assertThat(redis.cli("CLIENT", "PAUSE", "5000", "ALL")).isEqualTo("OK");
    long started = System.nanoTime();
    // A hit in Redis that cannot be read in time: a miss, so the gateway answers again.
    int sent = gateway.requests();
    LmResponse first = lm.complete(LmRequest.ofUser("warm")).block(WAIT);
    long firstMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(first.cacheHit()).isFalse();
    assertThat(gateway.requests()).isEqualTo(sent + 1);
    assertThat(firstMillis).as("waited about the timeout, not the pause").isLessThan(3_000);

    List<LmResponse> more = calls("paused ", 30);
    assertThat(more).hasSize(30).allMatch(r -> r.text().startsWith("answer to: paused "));
    assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis())
        .as("all within the pause")
        .isLessThan(4_500);
    assertThat(logged("WARN")).hasSize(1).allMatch(l -> l.contains("no answer within the timeout"));
  }

  @Test
  void redisDownFromTheStartThenStartedIsUsedOnceItAnswers() throws Exception {
    redis.stop();
    cache = builder().build();
    Dspy.configureCache(cache);
    assertThat(calls("no redis yet ", 30)).hasSize(30);
    assertThat(logged("WARN")).hasSize(1);

    redis.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    boolean used = false;
    for (int i = 0; !used && System.nanoTime() < deadline; i++) {
      lm.complete(LmRequest.ofUser("started " + i)).block(WAIT);
      used = inRedis("started " + i);
      if (!used) Thread.sleep(50);
    }
    assertThat(used).isTrue();
    assertThat(logged("WARN")).hasSize(1);
  }
}
