package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import io.netty.handler.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.netty.transport.logging.AdvancedByteBufFormat;
import reactor.test.StepVerifier;

/**
 * With every logger at TRACE (slf4j-simple, configured for this JVM by the {@code trace-logging}
 * surefire execution, writing to {@code target/trace-logging.log}), calls that succeed, stream,
 * retry and fail leave no API key in the log: neither dspy4j nor Reactor Netty logs request
 * headers. The positive control shows that the grep would find it: Reactor Netty's wiretap, which a
 * user may switch on on their own HttpClient, dumps the raw request, Authorization header included.
 */
@Tag("trace-logging")
class TraceLoggingSecretsTest extends PooledLmTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  private static String log() throws Exception {
    System.err.flush();
    Path file = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "missing"));
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  @Test
  void theApiKeyNeverAppearsInTraceLogsUnlessTheUserTurnsOnWireDumps() throws Exception {
    assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("trace");
    MockServers.failUnexpectedRequests(server);
    server.enqueue(
        new MockResponse.Builder().code(503).body("{\"error\":{\"message\":\"busy\"}}").build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream("a", "b"))
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body("{\"error\":{\"message\":\"bad key " + TestLms.API_KEY + "\"}}")
            .build());
    LM lm = lm(server.url("/v1").toString()).numRetries(1).build();

    StepVerifier.create(lm.call("hi")).expectNextCount(1).expectComplete().verify(WAIT);
    StepVerifier.create(lm.tokens("hi")).expectNext("a", "b").expectComplete().verify(WAIT);
    StepVerifier.create(lm.complete(LmRequest.ofUser("hi"))).expectError().verify(WAIT);

    String quiet = log();
    assertThat(quiet)
        .as("TRACE logging is on and Reactor Netty logged the exchanges")
        .contains("reactor.netty")
        .contains("/v1/chat/completions");
    assertThat(quiet).as("the retry link logged the retry").contains("retry 1 of 1");
    assertThat(quiet).doesNotContain(TestLms.API_KEY);

    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
    LM wiretapped =
        lm(server.url("/v1").toString())
            .httpClient(
                pool.httpClient()
                    .wiretap("user.wiretap", LogLevel.DEBUG, AdvancedByteBufFormat.TEXTUAL))
            .build();
    StepVerifier.create(wiretapped.call("hi")).expectNextCount(1).expectComplete().verify(WAIT);

    String dumped = log().substring(quiet.length());
    assertThat(dumped)
        .as("a wire dump shows the raw Authorization header: documented in SECURITY.md")
        .contains("user.wiretap")
        .contains("Bearer " + TestLms.API_KEY);
  }
}
