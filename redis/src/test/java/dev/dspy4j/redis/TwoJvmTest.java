package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.redis.testing.ChildJvm;
import dev.dspy4j.redis.testing.Gateway;
import dev.dspy4j.redis.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two separate JVMs (each running {@code ChildMain}: the real LM with a {@link RedisLmCache} as the
 * process-wide cache) against one real redis-server and one loopback gateway that counts the
 * requests it receives.
 */
class TwoJvmTest {

  private static final String API_KEY = "sk-two-jvm-secret-31415";

  private static RedisServer redis;
  private static Gateway gateway;
  private static Path logs;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    gateway = Gateway.start(Duration.ofMillis(10));
    logs = Files.createDirectories(Path.of("target", "child-jvm-logs"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    redis.close();
  }

  private static ChildJvm child(
      String name, String namespace, int calls, boolean coalesce, String question)
      throws Exception {
    return ChildJvm.start(
        logs.resolve(name + ".log"),
        redis.uri(),
        gateway.apiBase(),
        API_KEY,
        namespace,
        Integer.toString(calls),
        Boolean.toString(coalesce),
        question);
  }

  @Test
  void theSecondJvmsIdenticalCallSendsNothingToTheGateway() throws Exception {
    int before = gateway.requests();
    List<String> first;
    try (ChildJvm one = child("share-1", "share", 1, false, "Who pays once?")) {
      one.go();
      first = one.results();
    }
    assertThat(first).containsExactly("false answer to: Who pays once?");
    assertThat(gateway.requests()).isEqualTo(before + 1);

    List<String> second;
    try (ChildJvm two = child("share-2", "share", 1, false, "Who pays once?")) {
      two.go();
      second = two.results();
    }
    assertThat(second).containsExactly("true answer to: Who pays once?");
    assertThat(gateway.requests()).isEqualTo(before + 1);
    assertNoSecretInRedis();
  }

  @Test
  void fiftyIdenticalConcurrentCallsFromTwoJvmsMakeOneGatewayRequest() throws Exception {
    gateway.delay(Duration.ofMillis(800)); // long enough for both JVMs' calls to overlap
    try {
      int before = gateway.requests();
      List<String> all =
          concurrentCallsFromTwoJvms("coalesce", true, "What do fifty callers share?");
      assertThat(all)
          .hasSize(50)
          .allMatch(r -> r.endsWith("answer to: What do fifty callers share?"));
      assertThat(all.stream().filter(r -> r.startsWith("false "))).hasSize(1); // the one that paid
      assertThat(gateway.requests()).isEqualTo(before + 1);
    } finally {
      gateway.delay(Duration.ofMillis(10));
    }
  }

  @Test
  void withoutCoalescingEachJvmPaysForTheSameConcurrentCall() throws Exception {
    // The control for the test above: the same run with the lock off costs one request per JVM.
    gateway.delay(Duration.ofMillis(800));
    try {
      int before = gateway.requests();
      List<String> all =
          concurrentCallsFromTwoJvms("no-coalesce", false, "What do fifty callers pay?");
      assertThat(all).hasSize(50);
      assertThat(gateway.requests()).isEqualTo(before + 2);
    } finally {
      gateway.delay(Duration.ofMillis(10));
    }
  }

  private List<String> concurrentCallsFromTwoJvms(
      String namespace, boolean coalesce, String question) throws Exception {
    try (ChildJvm one = child(namespace + "-1", namespace, 25, coalesce, question);
        ChildJvm two = child(namespace + "-2", namespace, 25, coalesce, question)) {
      one.go();
      two.go();
      var results = new java.util.ArrayList<>(one.results());
      results.addAll(two.results());
      return results;
    }
  }

  private static void assertNoSecretInRedis() throws Exception {
    String keys = redis.cli("--scan");
    assertThat(keys).isNotEmpty().doesNotContain(API_KEY);
    for (String key : keys.split("\n")) {
      assertThat(redis.cli("GET", key)).doesNotContain(API_KEY);
    }
  }
}
