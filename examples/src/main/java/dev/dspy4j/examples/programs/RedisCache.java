package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.redis.RedisLmCache;
import dev.dspy4j.streaming.LM;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet's cache: {@link RedisLmCache} (memory in front, Redis behind) as the process-wide
 * cache. Asks one question three times: in this process (paid), again (memory tier), and through a
 * fresh cache on the same Redis, which is what another process sees (Redis). Uses {@code
 * REDIS_URL}, or starts a throw-away local {@code redis-server}. Run it twice with the same {@code
 * REDIS_URL}: the second run's first call is answered from Redis too.
 */
public final class RedisCache implements Example {

  private static final String NAMESPACE = "dspy4j-example";

  @Override
  public String name() {
    return "redis-cache";
  }

  @Override
  public String summary() {
    return "a cache shared by processes: memory in front, Redis behind (REDIS_URL, else a local redis-server)";
  }

  @Override
  public int run(ExampleRuntime runtime) throws Exception {
    String url = System.getenv("REDIS_URL");
    LocalRedis local = url == null || url.isBlank() ? LocalRedis.start() : null;
    try {
      return run(runtime, local == null ? url.strip() : local.uri(), local != null);
    } finally {
      if (local != null) local.close();
    }
  }

  int run(ExampleRuntime runtime, String redisUrl, boolean throwAway) {
    PrintStream out = runtime.out();
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    Predict qa = Predict.of("question -> answer");
    Map<String, String> question = Map.of("question", "Why share an LM cache between processes?");

    try (RedisLmCache thisProcess =
        RedisLmCache.builder(redisUrl)
            .namespace(NAMESPACE)
            .ttl(Duration.ofHours(1))
            .coalesceAcrossProcesses()
            .build()) {
      out.println(
          "Redis: "
              + thisProcess
              + (throwAway
                  ? " (a local redis-server started for this example; set REDIS_URL to use yours)"
                  : ""));
      Dspy.configureCache(thisProcess);
      Prediction first = timed(out, "1st call, this process", () -> qa.call(question).block());
      Prediction second = timed(out, "2nd call, this process", () -> qa.call(question).block());

      // A fresh cache on the same Redis has an empty memory tier: what another process would see.
      try (RedisLmCache otherProcess =
          RedisLmCache.builder(redisUrl).namespace(NAMESPACE).build()) {
        Dspy.configureCache(otherProcess);
        Prediction third =
            timed(
                out,
                "3rd call, a fresh cache (as another process)",
                () -> qa.call(question).block());
        out.println("Answer: " + third.get("answer"));
        boolean ok =
            second.cacheHit()
                && third.cacheHit()
                && third.get("answer").equals(first.get("answer"));
        return ok ? 0 : 1;
      }
    }
  }

  private interface Call {
    Prediction run();
  }

  private static Prediction timed(PrintStream out, String what, Call call) {
    long t0 = System.nanoTime();
    Prediction p = call.run();
    double ms = (System.nanoTime() - t0) / 1e6;
    out.println(
        String.format(
            Locale.ROOT,
            "%-46s %s  %8.2f ms",
            what + ":",
            p.cacheHit() ? "from the cache" : "from the LM   ",
            ms));
    return p;
  }
}
