package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an LM takes from the environment (HELICONE_API_KEY, HELICONE_BASE_URL, DSPY4J_MODEL) when
 * the builder was not told, that explicit values win, and the checks of apiBase.
 */
class LmEnvironmentTest {

  private static final String ENV_KEY = "sk-helicone-from-env-0123456789";

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private String base() {
    return server.url("/v1").toString();
  }

  private RecordedRequest callAndTake(LM lm) throws InterruptedException {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
    assertThat(lm.call("hi").block(Duration.ofSeconds(30))).containsExactly("ok");
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void readsTheKeyAndTheBaseUrlFromTheEnvironment() throws Exception {
    LM lm =
        LM.builder("gpt-4o-mini")
            .cache(false)
            .environment(
                Map.of("HELICONE_API_KEY", ENV_KEY, "HELICONE_BASE_URL", base() + "/")::get)
            .build();

    assertThat(lm.apiBase()).isEqualTo(base());
    RecordedRequest request = callAndTake(lm);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + ENV_KEY);
    assertThat(lm.toString()).doesNotContain(ENV_KEY);
  }

  @Test
  void explicitValuesWinOverTheEnvironment() throws Exception {
    LM lm =
        LM.builder("gpt-4o-mini")
            .cache(false)
            .apiKey("sk-explicit-key")
            .apiBase(base())
            .environment(
                Map.of(
                        "HELICONE_API_KEY",
                        ENV_KEY,
                        "HELICONE_BASE_URL",
                        "http://127.0.0.1:9/v1",
                        "DSPY4J_MODEL",
                        "other-model")
                    ::get)
            .build();

    assertThat(lm.apiBase()).isEqualTo(base());
    assertThat(lm.model()).isEqualTo("gpt-4o-mini");
    assertThat(callAndTake(lm).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-explicit-key");
  }

  @Test
  void theEnvironmentKeyIsNeverSentToAnApiBaseSetInCodeForAnotherServer() throws Exception {
    LM lm =
        LM.builder("gpt-4o-mini")
            .cache(false)
            .apiBase(base())
            .environment(Map.of("HELICONE_API_KEY", ENV_KEY)::get)
            .build();

    assertThat(callAndTake(lm).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void aHeliconeCallWithoutAnyKeyFailsAtOnceNamingTheVariable() {
    LM lm =
        LM.builder("gpt-4o-mini").cache(false).environment(Map.<String, String>of()::get).build();
    assertThat(lm.apiBase()).isEqualTo(LM.DEFAULT_API_BASE);

    long start = System.nanoTime();
    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("set the environment variable HELICONE_API_KEY")
        .hasMessageContaining("nothing was sent");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThatThrownBy(() -> lm.tokens("hi").blockLast(Duration.ofSeconds(30)))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("HELICONE_API_KEY");
  }

  @Test
  void aNullKeyNamesTheVariableInsteadOfANullPointer() {
    assertThatThrownBy(() -> LM.builder("gpt-4o-mini").apiKey(null))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("leave apiKey(...) out and the LM reads HELICONE_API_KEY itself");
  }

  @Test
  void theModelComesFromDspy4jModelWhenNotGiven() {
    assertThat(
            LM.builder()
                .environment(Map.of("DSPY4J_MODEL", "gpt-4o-mini/openai")::get)
                .build()
                .model())
        .isEqualTo("gpt-4o-mini/openai");
    assertThatThrownBy(() -> LM.builder().environment(Map.<String, String>of()::get).build())
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("set the environment variable DSPY4J_MODEL");
  }

  @Test
  void aBadBaseUrlVariableIsNamed() {
    assertThatThrownBy(
            () ->
                LM.builder("m")
                    .environment(Map.of("HELICONE_BASE_URL", "ai-gateway.helicone.ai/v1")::get)
                    .build())
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageStartingWith("HELICONE_BASE_URL must be an http:// or https:// URL");
  }

  @Test
  void aBadApiBaseIsAConfigurationErrorNamingIt() {
    assertThatThrownBy(() -> LM.builder("m").apiBase("ftp://example.com/v1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageStartingWith("apiBase must be an http:// or https:// URL");
    assertThatThrownBy(() -> LM.builder("m").apiBase("http://"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageStartingWith("apiBase ");
    assertThatThrownBy(() -> LM.builder("m").apiBase("http://my_host:8080/v1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageStartingWith("apiBase has no valid host");
    assertThatThrownBy(() -> LM.builder("m").apiBase("http://127.0.0.1:0/v1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("apiBase has port 0");
    assertThatThrownBy(() -> LM.builder("m").apiBase("http://127.0.0.1:70000/v1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("apiBase has port 70000");
    assertThatThrownBy(() -> LM.builder("m").apiBase("https://user:s3cr3t-pass@example.com/v1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("user:password@")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    assertThatThrownBy(() -> LM.builder("m").apiBase("http://example.com/v1?key=1"))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("query or fragment");
    assertThat(LM.builder("m").apiBase("http://127.0.0.1:1/v1/").build().apiBase())
        .isEqualTo("http://127.0.0.1:1/v1");
    assertThat(LM.builder("m").apiBase("http://[::1]:65535/v1").build().apiBase())
        .isEqualTo("http://[::1]:65535/v1");
  }

  @Test
  void aOneDigitPortIsAQuickConnectionRefusedNotADnsLookup() {
    LM lm = LM.builder("m").apiBase("http://127.0.0.1:1/v1").numRetries(0).cache(false).build();

    long start = System.nanoTime();
    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(dev.dspy4j.core.lm.ConnectionException.class)
        .hasMessageContaining("http://127.0.0.1:1/v1/chat/completions")
        .hasMessageContaining("Connection refused")
        .hasMessageNotContaining("resolve")
        .hasMessageEndingWith("[1 attempt: not retried, retries are off]")
        .satisfies(e -> assertThat(((LmException) e).attempts()).isEqualTo(1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
