package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The API key, and credentials passed as headers or body fields, never appear in a toString(), an
 * exception, the history, a cache key or a disk cache file, even when the server echoes them back.
 * (Logs at TRACE: {@link TraceLoggingSecretsTest}, in a JVM of its own.)
 */
class SecretsNeverLeakTest extends PooledLmTest {

  /** A second credential, passed per call as headers and body fields. */
  private static final String OTHER_SECRET = "hk-other-secret-9876543210";

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(server);
  }

  private static LmRequest requestCarryingSecrets() {
    return LmRequest.builder(LmRequest.ofUser("hi").messages())
        .header("Helicone-Auth", "Bearer " + OTHER_SECRET)
        .header("x-api-key", OTHER_SECRET)
        .extraBody(Map.of("api_key", OTHER_SECRET))
        .build();
  }

  private static void assertNoSecrets(String text) {
    assertThat(text).doesNotContain(TestLms.API_KEY).doesNotContain(OTHER_SECRET);
  }

  /** A server that echoes both credentials back in headers and error messages. */
  private void enqueueEchoingResponses() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("x-echo-authorization", "Bearer " + TestLms.API_KEY)
            .addHeader("x-echo-other", OTHER_SECRET)
            .body(Sse.completion("fine"))
            .build());
  }

  @Test
  void toStringOfTheLmTheRequestAndTheResponseHoldsNoCredential() {
    enqueueEchoingResponses();
    LM lm = lm(server.url("/v1").toString()).header("X-Api-Key", OTHER_SECRET).build();

    LmResponse response = lm.complete(requestCarryingSecrets()).block(WAIT);

    assertNoSecrets(lm.toString());
    assertNoSecrets(lm.toBuilder().toString());
    assertNoSecrets(requestCarryingSecrets().toString());
    assertThat(response).isNotNull();
    assertThat(response.texts()).containsExactly("fine");
    assertNoSecrets(response.toString());
  }

  @Test
  void exceptionsHoldNoCredentialEvenWhenTheServerEchoesTheApiKey() {
    // The server echoes the API key; the other credential is only sent, so it must not appear
    // either.
    // (A server echoing a credential passed as a per-call header is not masked: see SECURITY.md.)
    String echo = "{\"error\":{\"message\":\"bad key " + TestLms.API_KEY + "\"}}";
    server.enqueue(new MockResponse.Builder().code(401).body(echo).build());
    server.enqueue(new MockResponse.Builder().code(500).body(echo).build());
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body("{\"error\":{\"message\":\"" + TestLms.API_KEY + "\"}}")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body("data: {\"not a chunk " + TestLms.API_KEY + "\n\n")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(
                "event: error\ndata: {\"error\":{\"message\":\"mid-stream "
                    + TestLms.API_KEY
                    + "\"}}\n\n")
            .build());
    LM lm = lm(server.url("/v1").toString()).header("X-Api-Key", OTHER_SECRET).build();

    var failures = new ArrayList<Throwable>();
    for (int i = 0; i < 3; i++) {
      StepVerifier.create(lm.complete(requestCarryingSecrets()))
          .consumeErrorWith(failures::add)
          .verify(WAIT);
    }
    for (int i = 0; i < 2; i++) {
      StepVerifier.create(lm.stream(requestCarryingSecrets()))
          .consumeErrorWith(failures::add)
          .verify(WAIT);
    }

    assertThat(failures)
        .hasSize(5)
        .allSatisfy(
            e -> {
              assertThat(e).isInstanceOf(LmException.class);
              assertNoSecret(e);
              assertNoSecrets(String.valueOf(e.getMessage()));
              ((LmException) e).serverMessage().ifPresent(SecretsNeverLeakTest::assertNoSecrets);
            });
  }

  @Test
  void theHistoryHoldsNoCredential() {
    enqueueEchoingResponses();
    LmHistory history = LmHistory.create();
    LanguageModel recorded = lm(server.url("/v1").toString()).history(history).build();

    LmRequest request =
        requestCarryingSecrets().toBuilder()
            .extraBody(Map.of("nested", Map.of("secret_token", OTHER_SECRET)))
            .build();
    StepVerifier.create(recorded.complete(request))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);

    assertThat(history.entries()).hasSize(1);
    assertNoSecrets(history.entries().toString());
    assertNoSecrets(history.entries().get(0).kwargs().toString());
    assertNoSecrets(history.toString());
  }

  @Test
  void cacheKeysHoldNoCredential() {
    LmRequest withSecrets =
        requestCarryingSecrets().toBuilder()
            .header("Authorization", "Bearer " + TestLms.API_KEY)
            .build();

    assertNoSecrets(CacheKey.of("gpt-4o-mini", withSecrets).toString());
    assertNoSecrets(CacheKey.canonicalJson("gpt-4o-mini", withSecrets));
    assertThat(CacheKey.of("gpt-4o-mini", withSecrets))
        .as("credentials are not part of the key at all")
        .isEqualTo(CacheKey.of("gpt-4o-mini", LmRequest.builder(withSecrets.messages()).build()));
  }

  @Test
  void diskCacheFilesHoldNoCredentialAndAreJson(@TempDir Path dir) throws Exception {
    Path cacheDir = dir.resolve("dspy4j-cache");
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(cacheDir).build();
    enqueueEchoingResponses();
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .addHeader("x-echo-authorization", "Bearer " + TestLms.API_KEY)
            .body(Sse.stream("streamed"))
            .build());
    LM lm = lm(server.url("/v1").toString()).header("X-Api-Key", OTHER_SECRET).build();
    LmRequest plain = requestCarryingSecrets();
    LmRequest streamed = requestCarryingSecrets().toBuilder().rolloutId("second").build();

    LanguageModel cached = LmChain.builder(LmTransport.of(lm)).cacheStore(cache).build();
    StepVerifier.create(cached.complete(plain)).expectNextCount(1).expectComplete().verify(WAIT);
    StepVerifier.create(cached.stream(streamed))
        .thenConsumeWhile(c -> true)
        .expectComplete()
        .verify(WAIT);

    List<Path> files;
    try (Stream<Path> walk = Files.walk(cacheDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).as("both answers were written to disk").hasSize(2);
    ObjectMapper json = new ObjectMapper();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      assertNoSecrets(new String(bytes, StandardCharsets.ISO_8859_1));
      assertThat(bytes).as("not a Java serialisation stream (0xACED)").startsWith((byte) '{');
      JsonNode entry = json.readTree(bytes);
      assertThat(entry.isObject()).isTrue();
      assertNoSecrets(file.getFileName().toString());
    }
    assertThat(cache.get(CacheKey.of(lm.model(), plain)).block(Duration.ofSeconds(10))).isNotNull();
  }
}
