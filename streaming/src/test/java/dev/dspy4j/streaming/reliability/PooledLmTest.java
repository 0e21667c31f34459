package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the fault tests: every test gets its own metered connection pool, and after every test no
 * connection may still be acquired (an exchange left open) or waiting to be acquired. Netty buffer
 * leaks are checked per class by {@code NettyLeakDetectionExtension} at PARANOID.
 */
abstract class PooledLmTest {

  /** Longest wait for any outcome: a hang fails the test instead of blocking the build. */
  static final Duration WAIT = Duration.ofSeconds(30);

  PoolProbe pool;

  @BeforeEach
  void openMeteredPool(TestInfo test) {
    pool =
        PoolProbe.create(
            "reliability-" + test.getTestMethod().map(m -> m.getName()).orElse("test"), 50);
  }

  @AfterEach
  void noConnectionIsLeftInUse() throws InterruptedException {
    try {
      pool.assertNoActiveConnections(Duration.ofSeconds(10));
    } finally {
      pool.close();
    }
  }

  /**
   * An LM on this test's pool: cache off (the default cache may be on), no retries unless the test
   * asks, short timeouts and backoff so that the suite stays fast.
   */
  LM.Builder lm(String apiBase) {
    return TestLms.builder(apiBase)
        .cache(false)
        .httpClient(pool.httpClient())
        .numRetries(0)
        .connectTimeout(Duration.ofSeconds(5))
        .firstByteTimeout(Duration.ofSeconds(10))
        .idleTimeout(Duration.ofSeconds(10));
  }

  /**
   * Neither the message nor the string form of the failure or any of its causes holds the API key.
   */
  static void assertNoSecret(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(TestLms.API_KEY);
      assertThat(t.toString()).doesNotContain(TestLms.API_KEY);
      for (Throwable s : t.getSuppressed()) {
        assertThat(s.toString()).doesNotContain(TestLms.API_KEY);
      }
    }
  }
}
