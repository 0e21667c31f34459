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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Figures for the README: the latency of a hit from the memory tier, from Redis (memory tier off)
 * and of a gateway round trip on loopback, one call at a time, plus the throughput of Redis hits at
 * concurrency 64. A plain timed loop (not JMH), printed and written to {@code
 * target/redis-figures.txt}; the assertions are loose so that a loaded machine never fails it.
 */
class HitLatencyBenchmarkTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int WARM_UP = 3_000;
  private static final int MEASURED = 5_000;

  private static RedisServer redis;
  private static Gateway gateway;
  private static final StringBuilder report = new StringBuilder();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    gateway = Gateway.start(Duration.ZERO);
  }

  @AfterAll
  static void stop() throws Exception {
    Dspy.configureCache(DefaultLmCache.builder().build());
    gateway.close();
    redis.close();
    Files.writeString(
        Path.of("target", "redis-figures.txt"),
        report,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    System.out.print(report);
  }

  /** Median, p90, p99 in microseconds of {@code MEASURED} sequential runs, after a warm-up. */
  private static double[] time(String name, Supplier<Mono<?>> op) {
    for (int i = 0; i < WARM_UP; i++)
      assertThat(op.get().block(WAIT)).as(name + " emits").isNotNull();
    long[] nanos = new long[MEASURED];
    int empty = 0;
    for (int i = 0; i < MEASURED; i++) {
      long t0 = System.nanoTime();
      Object result = op.get().block(WAIT);
      nanos[i] = System.nanoTime() - t0;
      if (result == null) empty++;
    }
    assertThat(empty).as(name + ": every measured call was a hit").isZero();
    Arrays.sort(nanos);
    double[] us = {
      nanos[MEASURED / 2] / 1e3, nanos[MEASURED * 9 / 10] / 1e3, nanos[MEASURED * 99 / 100] / 1e3
    };
    report.append(
        String.format(
            Locale.ROOT,
            "%-58s median %9.1f us   p90 %9.1f us   p99 %9.1f us%n",
            name,
            us[0],
            us[1],
            us[2]));
    return us;
  }

  @Test
  void hitLatencyFromMemoryFromRedisAndAGatewayRoundTrip() throws IOException {
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("latency"));
    LmResponse answer =
        LmResponse.builder(java.util.List.of("a".repeat(400))).finishReason("stop").build();
    try (RedisLmCache withMemory = RedisLmCache.builder(redis.uri()).namespace("bench").build();
        RedisLmCache redisOnly =
            RedisLmCache.builder(redis.uri()).namespace("bench").memoryMaxBytes(0).build()) {
      withMemory.put(key, answer).block(WAIT);

      double[] memory = time("LmCache.get, memory tier hit", () -> withMemory.get(key));
      double[] fromRedis =
          time("LmCache.get, Redis hit (memory tier off)", () -> redisOnly.get(key));

      LM lm =
          LM.builder("gpt-4o-mini")
              .apiKey("sk-bench")
              .apiBase(gateway.apiBase())
              .cache(true)
              .build();
      LM noCache =
          LM.builder("gpt-4o-mini")
              .apiKey("sk-bench")
              .apiBase(gateway.apiBase())
              .cache(false)
              .build();
      LmRequest request = LmRequest.ofUser("latency through the LM");
      Dspy.configureCache(withMemory);
      lm.complete(request).block(WAIT);
      double[] lmMemory = time("LM.complete, hit from the memory tier", () -> lm.complete(request));
      Dspy.configureCache(redisOnly);
      double[] lmRedis =
          time("LM.complete, hit from Redis (memory tier off)", () -> lm.complete(request));
      double[] lmGateway =
          time(
              "LM.complete, no cache: loopback gateway round trip",
              () -> noCache.complete(request));

      // Throughput of Redis hits, 64 in flight, over 1 000 different keys (identical concurrent
      // lookups would share one round trip and flatter the figure).
      CacheKey[] keys = new CacheKey[1_000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("throughput " + i));
        redisOnly.put(keys[i], answer).block(WAIT);
      }
      int n = 20_000;
      Flux.range(0, 2_000).flatMap(i -> redisOnly.get(keys[i % keys.length]), 64).blockLast(WAIT);
      long t0 = System.nanoTime();
      long hits =
          Flux.range(0, n)
              .flatMap(i -> redisOnly.get(keys[i % keys.length]), 64)
              .count()
              .block(WAIT);
      double seconds = (System.nanoTime() - t0) / 1e9;
      report.append(
          String.format(
              Locale.ROOT,
              "%-58s %,.0f hits/s (%d hits in %.2f s)%n",
              "LmCache.get, Redis hits, 64 in flight, 1 000 keys",
              n / seconds,
              hits,
              seconds));

      // The reference: plain Lettuce GETs of the same keys, 64 in flight, on a connection of its
      // own.
      var client = io.lettuce.core.RedisClient.create(redis.uri());
      try {
        var raw = client.connect().reactive();
        Flux.range(0, 2_000)
            .flatMap(i -> raw.get(redisOnly.redisKey(keys[i % keys.length])), 64)
            .blockLast(WAIT);
        long r0 = System.nanoTime();
        long got =
            Flux.range(0, n)
                .flatMap(i -> raw.get(redisOnly.redisKey(keys[i % keys.length])), 64)
                .count()
                .block(WAIT);
        double rawSeconds = (System.nanoTime() - r0) / 1e9;
        report.append(
            String.format(
                Locale.ROOT,
                "%-58s %,.0f GETs/s (%d in %.2f s)%n",
                "reference: plain Lettuce GET, 64 in flight, same keys",
                n / rawSeconds,
                got,
                rawSeconds));
      } finally {
        client.shutdown();
      }
      report.append(
          String.format(
              Locale.ROOT,
              "(load average while measured: %.1f on %d cores)%n",
              java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                  .getSystemLoadAverage(),
              Runtime.getRuntime().availableProcessors()));

      assertThat(hits).isEqualTo(n);
      assertThat(memory[0]).isLessThan(fromRedis[0]);
      assertThat(lmMemory[0]).isLessThan(lmRedis[0]);
      assertThat(fromRedis[0])
          .as("a Redis hit on loopback takes well under 20 ms")
          .isLessThan(20_000);
      assertThat(lmGateway[0]).isGreaterThan(0);
    }
  }
}
