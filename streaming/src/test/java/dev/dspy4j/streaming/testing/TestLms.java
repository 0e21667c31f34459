package dev.dspy4j.streaming.testing;

import dev.dspy4j.streaming.LM;
import java.time.Duration;
import mockwebserver3.MockWebServer;

/**
 * LMs configured for loopback transport tests: fast backoff, a recognisable fake key, and the cache
 * off, because these tests check what reaches the server on every call (and the process-wide cache
 * would otherwise carry answers from one test into the next). Cache tests switch it back on.
 */
public final class TestLms {

  /** The API key the test LMs send; no message may ever contain it. */
  public static final String API_KEY = "sk-test-secret-0123456789";

  private TestLms() {}

  /** An LM builder for {@code apiBase} with a 5 ms retry backoff and the cache off. */
  public static LM.Builder builder(String apiBase) {
    return LM.builder("gpt-4o-mini")
        .apiKey(API_KEY)
        .apiBase(apiBase)
        .retryBackoff(Duration.ofMillis(5))
        .maxBackoff(Duration.ofMillis(50))
        .cache(false);
  }

  /** An LM builder for a MockWebServer. */
  public static LM.Builder builder(MockWebServer server) {
    return builder(server.url("/v1/").toString());
  }
}
