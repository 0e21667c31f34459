package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code redis-cache} example against the embedded local gateway and a real local redis-server
 * (Debian's, which the example starts itself): one request reaches the gateway for three calls.
 */
class RedisCacheExampleTest {

  @AfterEach
  void resetTheProcessDefaults() {
    Dspy.configureCache(DefaultLmCache.builder().build());
    Dspy.reset();
  }

  @Test
  void threeCallsOneGatewayRequestTheThirdFromRedis() throws Exception {
    var out = new ByteArrayOutputStream();
    try (var gateway =
            LocalGateway.builder().log(new PrintStream(OutputStream.nullOutputStream())).start();
        var redis = LocalRedis.start()) {
      var config =
          new ExampleConfig(
              Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
      int exit;
      try (var runtime =
          ExampleRuntime.withGateway(
              config, new PrintStream(out, true, StandardCharsets.UTF_8), gateway)) {
        exit = new RedisCache().run(runtime, redis.uri(), true);
      }
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(printed).isZero();
      assertThat(gateway.requests()).hasSize(1);
      assertThat(printed)
          .containsPattern("1st call, this process: +from the LM")
          .containsPattern("2nd call, this process: +from the cache")
          .containsPattern("3rd call, a fresh cache \\(as another process\\): +from the cache")
          .contains("Redis: RedisLmCache[redis://127.0.0.1:")
          .contains("Answer: ");
    }
  }
}
