package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.redis.testing.Gateway;
import dev.dspy4j.redis.testing.RedisServer;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The Redis tier against a real redis-server, through the real LM over real HTTP on loopback. */
class RedisLmCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String API_KEY = "sk-redis-test-secret-4f9a1c";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static RedisServer redis;
  private static Gateway gateway;
  private RedisLmCache cache;

  @BeforeAll
  static void startRedisAndGateway() throws Exception {
    redis = RedisServer.start();
    gateway = Gateway.start(Duration.ofMillis(20));
  }

  @AfterAll
  static void stopThem() throws Exception {
    gateway.close();
    redis.close();
  }

  @BeforeEach
  void emptyRedis() throws Exception {
    assertThat(redis.cli("FLUSHALL")).isEqualTo("OK");
    assertThat(redis.cli("CONFIG", "RESETSTAT")).isEqualTo("OK");
  }

  @AfterEach
  void closeTheCache() {
    if (cache != null) cache.close();
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  private LM lm() {
    return LM.builder("gpt-4o-mini").apiKey(API_KEY).apiBase(gateway.apiBase()).cache(true).build();
  }

  private RedisLmCache.Builder builder() {
    // A generous timeout: this 2-core machine is shared by several builds, and a spurious timeout
    // would turn an expected hit into a miss.
    return RedisLmCache.builder(redis.uri())
        .namespace("test-" + System.nanoTime())
        .timeout(Duration.ofSeconds(2));
  }

  private static LmResponse call(LM lm, String question) {
    return lm.complete(LmRequest.ofUser(question)).block(WAIT);
  }

  private List<String> keys() throws Exception {
    String out = redis.cli("--scan");
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  @Test
  void anotherCacheInstanceOnTheSameRedisGetsTheAnswerWithoutAGatewayRequest() {
    var b = builder();
    cache = b.build();
    Dspy.configureCache(cache);
    LmResponse first = call(lm(), "What is Redis?");
    assertThat(first.cacheHit()).isFalse();
    int sent = gateway.requests();

    // A second cache on the same Redis and namespace, with an empty memory tier: another process.
    try (RedisLmCache other = b.build()) {
      Dspy.configureCache(other);
      LmResponse second = call(lm(), "What is Redis?");
      assertThat(second.cacheHit()).isTrue();
      assertThat(second.text()).isEqualTo(first.text());
      assertThat(gateway.requests()).isEqualTo(sent);
    }
  }

  @Test
  void entriesAreNamespacedJsonUnderTheCacheKeyWithTheTtl() throws Exception {
    cache = builder().namespace("tenant-a").ttl(Duration.ofHours(2)).build();
    Dspy.configureCache(cache);
    LmResponse answer = call(lm(), "Namespaced?");
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("Namespaced?"));

    assertThat(keys()).containsExactly("tenant-a:v1:" + key.value());
    assertThat(cache.redisKey(key)).isEqualTo("tenant-a:v1:" + key.value());
    JsonNode value = MAPPER.readTree(redis.cli("GET", "tenant-a:v1:" + key.value()));
    assertThat(value.path("format").asText()).isEqualTo("dspy4j-cache/1");
    assertThat(value.path("key").asText()).isEqualTo(key.value());
    assertThat(value.path("texts").get(0).asText()).isEqualTo(answer.text());
    assertThat(value.has("usage")).isFalse();
    long pttl = Long.parseLong(redis.cli("PTTL", "tenant-a:v1:" + key.value()));
    assertThat(pttl)
        .isBetween(Duration.ofHours(2).minusMinutes(1).toMillis(), Duration.ofHours(2).toMillis());
  }

  @Test
  void differentNamespacesDoNotShareEntries() {
    cache = builder().namespace("app-one").build();
    Dspy.configureCache(cache);
    call(lm(), "Shared across namespaces?");
    int sent = gateway.requests();
    try (RedisLmCache other = builder().namespace("app-two").build()) {
      Dspy.configureCache(other);
      assertThat(call(lm(), "Shared across namespaces?").cacheHit()).isFalse();
      assertThat(gateway.requests()).isEqualTo(sent + 1);
    }
  }

  @Test
  void noKeyOrValueContainsTheApiKeyOrTracingHeaders() throws Exception {
    cache = builder().coalesceAcrossProcesses(Duration.ofSeconds(5)).build();
    Dspy.configureCache(cache);
    LM lm =
        LM.builder("gpt-4o-mini")
            .apiKey(API_KEY)
            .apiBase(gateway.apiBase())
            .cache(true)
            .header("Helicone-Property-Environment", "secret-env-prop")
            .build();
    lm.complete(LmRequest.ofUser("Where is my key?"))
        .contextWrite(Helicone.session("session-123-xyz", "Support", "/support"))
        .contextWrite(Helicone.user("user-secret-777"))
        .block(WAIT);
    call(lm, "Another question");

    List<String> keys = keys();
    assertThat(keys).hasSize(2);
    for (String key : keys) {
      assertThat(key).doesNotContain(API_KEY).doesNotContain("sk-");
      String value = redis.cli("GET", key);
      assertThat(value)
          .isNotEmpty()
          .doesNotContain(API_KEY)
          .doesNotContain("Bearer")
          .doesNotContain("session-123-xyz")
          .doesNotContain("user-secret-777")
          .doesNotContain("secret-env-prop");
    }
    assertThat(cache.toString()).doesNotContain(API_KEY);
  }

  @Test
  void aValueOverTheSizeLimitIsNotStoredInRedisButASmallOneIs() throws Exception {
    cache = builder().maxValueBytes(400).build();
    Dspy.configureCache(cache);
    call(lm(), "small");
    assertThat(keys()).hasSize(1);

    gateway.padAnswers(1_000);
    try {
      LmResponse big = call(lm(), "big");
      assertThat(big.text()).hasSizeGreaterThan(1_000);
      assertThat(keys()).hasSize(1); // still only the small one
      // The memory tier still holds it: the same process does not pay twice.
      int sent = gateway.requests();
      assertThat(call(lm(), "big").cacheHit()).isTrue();
      assertThat(gateway.requests()).isEqualTo(sent);
    } finally {
      gateway.padAnswers(0);
    }
  }

  @Test
  void entriesExpireAfterTheTtlInRedisAndInMemory() throws Exception {
    cache = builder().ttl(Duration.ofMillis(400)).build();
    Dspy.configureCache(cache);
    call(lm(), "short-lived");
    int sent = gateway.requests();
    assertThat(call(lm(), "short-lived").cacheHit()).isTrue();

    Thread.sleep(700);
    assertThat(keys()).isEmpty();
    assertThat(call(lm(), "short-lived").cacheHit()).isFalse();
    assertThat(gateway.requests()).isEqualTo(sent + 1);
  }

  @Test
  void anEntryReadFromRedisLivesInMemoryOnlyAsLongAsItsRedisTtl() throws Exception {
    var b = builder().ttl(Duration.ofMillis(600));
    cache = b.build();
    Dspy.configureCache(cache);
    call(lm(), "remaining ttl");
    Thread.sleep(300);
    try (RedisLmCache other = b.build()) {
      Dspy.configureCache(other);
      assertThat(call(lm(), "remaining ttl").cacheHit()).isTrue(); // from Redis, ~300 ms left
      Thread.sleep(450);
      int sent = gateway.requests();
      assertThat(call(lm(), "remaining ttl").cacheHit()).isFalse(); // expired in memory too
      assertThat(gateway.requests()).isEqualTo(sent + 1);
    }
  }

  @Test
  void aCorruptOrForeignValueIsAMissAndIsReplaced() throws Exception {
    cache = builder().memoryMaxBytes(0).build();
    Dspy.configureCache(cache);
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("corrupt"));
    redis.cli("SET", cache.redisKey(key), "{not json");
    StepVerifier.create(cache.get(key)).expectComplete().verify(WAIT);

    assertThat(call(lm(), "corrupt").cacheHit()).isFalse();
    assertThat(call(lm(), "corrupt").cacheHit()).isTrue();
  }

  @Test
  void everyLookupAsksRedisAfresh() throws Exception {
    // Regression: a finished lookup must not be handed to the next caller (it was, briefly).
    cache = builder().memoryMaxBytes(0).build();
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("fresh"));
    cache.put(key, LmResponse.of("stored")).block(WAIT);
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get(key).block(WAIT)).isNotNull();
    }
    assertThat(redis.cli("DEL", cache.redisKey(key))).isEqualTo("1");
    assertThat(cache.get(key).block(WAIT)).isNull();
    String calls = redis.cli("INFO", "commandstats");
    assertThat(calls).contains("cmdstat_get:calls=21,"); // 20 hits and the miss, each a round trip
  }

  @Test
  void streamedCallsShareEntriesThroughRedis() {
    var b = builder();
    cache = b.build();
    Dspy.configureCache(cache);
    String streamed =
        String.join(
            "",
            lm().stream(LmRequest.ofUser("stream me"))
                .map(c -> c.text())
                .collectList()
                .block(WAIT));
    int sent = gateway.requests();
    try (RedisLmCache other = b.build()) {
      Dspy.configureCache(other);
      LmResponse hit = call(lm(), "stream me");
      assertThat(hit.cacheHit()).isTrue();
      assertThat(hit.text()).isEqualTo(streamed);
      assertThat(gateway.requests()).isEqualTo(sent);
    }
  }

  @Test
  void aPasswordInTheUriNeverAppearsAndWorks() throws Exception {
    try (RedisServer secured = RedisServer.start("--requirepass", "redis-pass-9d8e7f");
        RedisLmCache withPassword =
            RedisLmCache.builder("redis://:redis-pass-9d8e7f@127.0.0.1:" + secured.port())
                .build()) {
      assertThat(withPassword.toString()).doesNotContain("redis-pass-9d8e7f").contains("127.0.0.1");
      CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("auth"));
      withPassword.put(key, LmResponse.of("stored with auth")).block(WAIT);
      assertThat(withPassword.redisAvailable()).isTrue();
      assertThat(secured.cli("GET", withPassword.redisKey(key))).contains("stored with auth");
    }
  }

  @Test
  void aWrongPasswordIsAMissWhoseWarningNeverShowsThePassword() throws Exception {
    try (RedisServer secured = RedisServer.start("--requirepass", "right-pass-1a2b");
        RedisLmCache wrong =
            RedisLmCache.builder("redis://:wrong-pass-3c4d@127.0.0.1:" + secured.port()).build()) {
      CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("wrong password"));
      StepVerifier.create(wrong.get(key)).expectComplete().verify(WAIT);
      StepVerifier.create(wrong.put(key, LmResponse.of("x"))).expectComplete().verify(WAIT);
      assertThat(wrong.redisAvailable()).isFalse();
      java.nio.file.Path log =
          java.nio.file.Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
      String logged = java.nio.file.Files.readString(log);
      assertThat(logged)
          .contains("Redis at redis://127.0.0.1:" + secured.port() + "/0 is unreachable")
          .doesNotContain("wrong-pass-3c4d");
    }
  }

  @Test
  void aClosedCacheIsAQuietMissAndKeepsAnswersInMemory() throws Exception {
    RedisLmCache closed = builder().build();
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("after close"));
    closed.close();
    StepVerifier.create(closed.get(key)).expectComplete().verify(WAIT);
    StepVerifier.create(closed.put(key, LmResponse.of("kept"))).expectComplete().verify(WAIT);
    assertThat(closed.get(key).block(WAIT).text()).isEqualTo("kept");
    assertThat(closed.redisAvailable()).isTrue(); // closing is not an outage: no warning
    assertThat(keys()).isEmpty();
  }

  @Test
  void badSettingsAreRejectedAtOnce() {
    assertThatThrownBy(() -> RedisLmCache.builder("http://not-redis"))
        .isInstanceOf(IllegalArgumentException.class);
    // Lettuce's own message would repeat the whole URI, password included.
    assertThatThrownBy(() -> RedisLmCache.builder("redis://:pw-abc@[bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("pw-abc");
    assertThatThrownBy(() -> RedisLmCache.builder("redis://:pw-abc@host/notadb"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("pw-abc");
    assertThatThrownBy(() -> builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().namespace("has space"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().maxValueBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().memoryMaxBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().coalesceAcrossProcesses(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
