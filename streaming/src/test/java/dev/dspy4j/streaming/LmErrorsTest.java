package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.AuthenticationException;
import dev.dspy4j.core.lm.BillingException;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmTimeoutException;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ResponseTooLargeException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

/**
 * Every failure becomes a typed LmException with status, request id, retry-after and server
 * message.
 */
class LmErrorsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private LM lm() {
    return TestLms.builder(server).numRetries(0).build();
  }

  private void verifyCompleteFails(LM lm, Consumer<Throwable> check) {
    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(check)
        .verify(WAIT);
  }

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @CsvSource({
    "400, InvalidRequestException, false",
    "401, AuthenticationException, false",
    "402, BillingException, false",
    "403, AuthenticationException, false",
    "404, InvalidRequestException, false",
    "408, LmTimeoutException, true",
    "409, InvalidRequestException, true",
    "422, InvalidRequestException, false",
    "429, RateLimitException, true",
    "500, ServerException, true",
    "503, ServerException, true"
  })
  void anErrorStatusBecomesItsTypedException(int status, String type, boolean retryable) {
    server.enqueue(
        new MockResponse.Builder()
            .code(status)
            .addHeader("Content-Type", "application/json")
            .addHeader("x-request-id", "xr-" + status)
            .body(
                "{\"error\":{\"message\":\"status "
                    + status
                    + " explained\",\"type\":\"t\",\"param\":null,\"code\":null}}")
            .build());
    verifyCompleteFails(
        lm(),
        e -> {
          assertThat(e.getClass().getSimpleName()).isEqualTo(type);
          LmException lmEx = (LmException) e;
          assertThat(lmEx.statusCode()).isEqualTo(status);
          assertThat(lmEx.isRetryable()).isEqualTo(retryable);
          assertThat(lmEx.requestId()).contains("xr-" + status);
          assertThat(lmEx.serverMessage()).contains("status " + status + " explained");
          assertThat(e.getMessage())
              .contains("HTTP " + status)
              .contains("status " + status + " explained");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "helicone envelope | {\"success\":false,\"error\":{\"code\":\"request_failed\",\"message\":\"all providers failed\",\"details\":[]}} | all providers failed",
        "openai shape      | {\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}} | bad model",
        "error string      | {\"error\":\"Variable 'x' is 'number' but got 'abc'\"} | Variable 'x' is 'number' but got 'abc'",
        "plain text        | upstream connect error or disconnect/reset before headers | upstream connect error or disconnect/reset before headers"
      })
  void theServerMessageIsReadFromEveryBodyShape(String shape, String body, String message) {
    server.enqueue(new MockResponse.Builder().code(400).body(body).build());
    verifyCompleteFails(lm(), e -> assertThat(((LmException) e).serverMessage()).contains(message));
  }

  @ParameterizedTest
  @CsvSource({"Helicone-Id", "Helicone-Request-Id", "x-request-id"})
  void theRequestIdIsReadFromEachGatewayHeader(String header) {
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .addHeader(header, "id-from-" + header)
            .body("oops")
            .build());
    verifyCompleteFails(
        lm(), e -> assertThat(((LmException) e).requestId()).contains("id-from-" + header));
  }

  @Test
  void retryAfterSecondsAndMillisecondsAreCarried() {
    server.enqueue(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "7").body("slow").build());
    verifyCompleteFails(
        lm(),
        e -> {
          assertThat(e).isInstanceOf(RateLimitException.class);
          assertThat(((LmException) e).retryAfter()).contains(Duration.ofSeconds(7));
        });
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after-ms", "1500")
            .addHeader("Retry-After", "9")
            .body("slow")
            .build());
    verifyCompleteFails(
        lm(), e -> assertThat(((LmException) e).retryAfter()).contains(Duration.ofMillis(1500)));
  }

  @Test
  void insufficientCreditsIsABillingErrorNotARateLimit() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .body(
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"code\":\"insufficient_quota\"}}")
            .build());
    verifyCompleteFails(
        lm(),
        e ->
            assertThat(e)
                .isInstanceOf(BillingException.class)
                .satisfies(b -> assertThat(((LmException) b).isRetryable()).isFalse()));
  }

  @Test
  void theApiKeyNeverAppearsInAnErrorEvenWhenTheServerEchoesIt() {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + TestLms.API_KEY + "\"}}")
            .build());
    verifyCompleteFails(
        lm(),
        e -> {
          assertThat(e).isInstanceOf(AuthenticationException.class);
          assertThat(e.getMessage()).doesNotContain(TestLms.API_KEY).contains("***");
          assertThat(e.toString()).doesNotContain(TestLms.API_KEY);
          assertThat(((LmException) e).serverMessage().orElseThrow())
              .doesNotContain(TestLms.API_KEY);
        });
  }

  @Test
  void aRefusedConnectionIsAConnectionError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LM lm = TestLms.builder("http://127.0.0.1:" + port + "/v1").numRetries(0).build();
    verifyCompleteFails(
        lm,
        e ->
            assertThat(e)
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("127.0.0.1:" + port));
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsATimeout() {
    server.enqueue(
        new MockResponse.Builder()
            .headersDelay(5, TimeUnit.SECONDS)
            .body(Sse.completion("late"))
            .build());
    LM lm = TestLms.builder(server).numRetries(0).firstByteTimeout(Duration.ofMillis(300)).build();
    verifyCompleteFails(
        lm,
        e ->
            assertThat(e)
                .isInstanceOf(LmTimeoutException.class)
                .hasMessageContaining("firstByteTimeout"));
  }

  @Test
  void aStreamThatGoesSilentBeforeAnyTextIsATimeout() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.roleChunk() + Sse.text("late"))
            .bodyDelay(0, TimeUnit.MILLISECONDS)
            .throttleBody(Sse.roleChunk().length(), 5, TimeUnit.SECONDS)
            .build());
    LM lm = TestLms.builder(server).numRetries(0).idleTimeout(Duration.ofMillis(500)).build();
    StepVerifier.create(lm.tokens("hi"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(LmTimeoutException.class)
                    .hasMessageContaining("idleTimeout"))
        .verify(WAIT);
  }

  @Test
  void aResponseLargerThanTheLimitFailsClearly() {
    server.enqueue(new MockResponse.Builder().body(Sse.completion("x".repeat(5000))).build());
    LM lm = TestLms.builder(server).numRetries(0).maxResponseBytes(2048).build();
    verifyCompleteFails(
        lm,
        e ->
            assertThat(e)
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("2048"));
  }

  @Test
  void anSseLineLongerThanTheLimitFailsClearlyOverHttp() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.text("y".repeat(5000)) + Sse.done())
            .build());
    LM lm = TestLms.builder(server).maxLineBytes(2048).build();
    StepVerifier.create(lm.tokens("hi"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseTooLargeException.class)
                    .hasMessageContaining("longer than the limit of 2048 bytes"))
        .verify(WAIT);
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
  }

  @Test
  void aSuccessStatusWithAnErrorBodyIsAnError() {
    server.enqueue(
        new MockResponse.Builder().body("{\"error\":{\"message\":\"provider said no\"}}").build());
    verifyCompleteFails(
        lm(),
        e ->
            assertThat(e)
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("provider said no"));
  }

  @Test
  void aMalformedSuccessBodyIsAServerError() {
    server.enqueue(new MockResponse.Builder().body("<html>gateway</html>").build());
    verifyCompleteFails(
        lm(),
        e ->
            assertThat(e)
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("not a chat completion"));
  }

  @Test
  void aRedirectIsNotFollowedAndSaysToCheckApiBase() {
    server.enqueue(
        new MockResponse.Builder().code(301).addHeader("Location", "http://elsewhere/").build());
    verifyCompleteFails(
        lm(),
        e ->
            assertThat(e)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("apiBase"));
  }
}
