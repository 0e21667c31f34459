package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/** 429 and 503 storms, with and without Retry-After, and Retry-After in every odd form. */
class RetryStormTest extends PooledLmTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(server);
  }

  private static MockResponse status(int code, String... header) {
    var b =
        new MockResponse.Builder()
            .code(code)
            .body("{\"error\":{\"message\":\"busy " + code + "\"}}");
    for (int i = 0; i + 1 < header.length; i += 2) {
      b.addHeader(header[i], header[i + 1]);
    }
    return b.build();
  }

  private static MockResponse ok(String text) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(Sse.completion(text))
        .build();
  }

  private static MockResponse okStream(String... tokens) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(Sse.stream(tokens))
        .build();
  }

  private static String httpDate(ZonedDateTime at) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.withZoneSameInstant(ZoneOffset.UTC));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 503})
  void aStormWithoutRetryAfterIsRetriedNumRetriesTimesThenFailsWithTheLastError(int code) {
    for (int i = 0; i < 4; i++) server.enqueue(status(code));
    LM lm = lm(server.url("/v1").toString()).numRetries(3).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(code == 429 ? RateLimitException.class : ServerException.class);
              assertThat(((LmException) e).statusCode()).isEqualTo(code);
              assertNoSecret(e);
            })
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 503})
  void aStormWithRetryAfterWaitsAtLeastThatLongEachTime(int code) {
    server.enqueue(status(code, "Retry-After", "1"));
    server.enqueue(status(code, "Retry-After", "1"));
    LM lm = lm(server.url("/v1").toString()).numRetries(1).build();

    long start = System.nanoTime();
    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> assertThat(((LmException) e).retryAfter()).contains(Duration.ofSeconds(1)))
        .verify(WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aStormThatEndsGivesTheAnswerOnceForACompleteAndAStream() {
    server.enqueue(status(503));
    server.enqueue(status(429));
    server.enqueue(status(502, "retry-after-ms", "20"));
    server.enqueue(ok("finally"));
    server.enqueue(status(429));
    server.enqueue(status(503));
    server.enqueue(okStream("fin", "ally"));
    LM lm = lm(server.url("/v1").toString()).numRetries(3).build();

    StepVerifier.create(lm.call("hi")).expectNext(List.of("finally")).expectComplete().verify(WAIT);
    StepVerifier.create(lm.tokens("hi")).expectNext("fin", "ally").expectComplete().verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(7);
  }

  @Test
  void aRetryAfterHttpDateInTheFutureIsWaitedFor() {
    server.enqueue(status(429, "Retry-After", httpDate(ZonedDateTime.now().plusSeconds(2))));
    server.enqueue(ok("after the date"));
    LM lm = lm(server.url("/v1").toString()).numRetries(1).build();

    long start = System.nanoTime();
    StepVerifier.create(lm.call("hi"))
        .expectNext(List.of("after the date"))
        .expectComplete()
        .verify(WAIT);
    // The date has one-second resolution, so the wait is between 1 and 2 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void aRetryAfterHttpDateInThePastMeansRetryWithTheNormalBackoff() {
    server.enqueue(status(503, "Retry-After", httpDate(ZonedDateTime.now().minusHours(1))));
    server.enqueue(ok("at once"));
    LM lm = lm(server.url("/v1").toString()).numRetries(1).build();

    StepVerifier.create(lm.call("hi")).expectNext(List.of("at once")).expectComplete().verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(strings = {"99999999999999999999", "86400", "Fri, 31 Dec 9999 23:59:59 GMT"})
  void anAbsurdlyLargeRetryAfterFailsAtOnceSayingHowLong(String retryAfter) {
    server.enqueue(status(429, "Retry-After", retryAfter));
    LM lm = lm(server.url("/v1").toString()).numRetries(3).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(RateLimitException.class)
                  .hasMessageContaining("The server asks to wait")
                  .hasMessageContaining("longer than the retry-after cap");
              assertNoSecret(e);
            })
        .verify(WAIT);
    assertThat(server.getRequestCount()).as("failed at once, not retried").isEqualTo(1);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(strings = {"soon", "-5", "NaN", "1e400", "Thu, 99 Foo 2024 99:99:99 GMT"})
  void anUnreadableRetryAfterIsIgnoredAndTheCallRetried(String retryAfter) {
    server.enqueue(status(503, "Retry-After", retryAfter));
    server.enqueue(ok("retried"));
    LM lm = lm(server.url("/v1").toString()).numRetries(1).build();

    StepVerifier.create(lm.call("hi")).expectNext(List.of("retried")).expectComplete().verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }
}
