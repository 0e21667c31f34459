package dev.dspy4j.redis.testing;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.redis.RedisLmCache;
import dev.dspy4j.streaming.LM;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The "other process" of the two-JVM tests: configures a {@link RedisLmCache} as the process-wide
 * cache, prints {@code ready}, waits for {@code go} on stdin, makes {@code calls} identical
 * concurrent LM calls against the gateway, prints one {@code result <cacheHit> <text>} line per
 * call and {@code done}.
 *
 * <p>Arguments: redisUri apiBase apiKey namespace calls coalesce(true|false) question
 */
public final class ChildMain {

  public static void main(String[] args) throws Exception {
    String redisUri = args[0];
    String apiBase = args[1];
    String apiKey = args[2];
    String namespace = args[3];
    int calls = Integer.parseInt(args[4]);
    boolean coalesce = Boolean.parseBoolean(args[5]);
    String question = args[6];

    // A generous command timeout: a spurious timeout on a loaded machine would make this JVM pay.
    var builder =
        RedisLmCache.builder(redisUri)
            .namespace(namespace)
            .ttl(Duration.ofMinutes(10))
            .timeout(Duration.ofSeconds(2));
    if (coalesce) builder.coalesceAcrossProcesses(Duration.ofSeconds(20));
    try (RedisLmCache cache = builder.build()) {
      Dspy.configureCache(cache);
      LM lm = LM.builder("gpt-4o-mini").apiKey(apiKey).apiBase(apiBase).cache(true).build();
      // Opens the Redis connection before the start signal: a lookup of a key nobody else uses (a
      // shared one would be locked by the first child, and the second would wait for it).
      var warmUp =
          dev.dspy4j.core.cache.CacheKey.of(
              "warm-up", LmRequest.ofUser(java.util.UUID.randomUUID().toString()));
      cache.get(warmUp).block(Duration.ofSeconds(10));
      System.out.println("ready");
      System.out.flush();
      var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (!"go".equals(line)) throw new IllegalStateException("expected go, got " + line);

      List<LmResponse> responses =
          Flux.range(0, calls)
              .flatMap(i -> lm.complete(LmRequest.ofUser(question)), calls)
              .collectList()
              .block(Duration.ofSeconds(60));
      for (LmResponse r : responses) {
        System.out.println("result " + r.cacheHit() + " " + r.text());
      }
      System.out.println("done");
      System.out.flush();
    }
  }
}
