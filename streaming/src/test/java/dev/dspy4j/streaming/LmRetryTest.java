package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LmRetryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private void enqueueStatus(int code) {
    server.enqueue(new MockResponse.Builder().code(code).body("failure " + code).build());
  }

  private void enqueueOk() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
  }

  private List<RecordedRequest> requests() throws InterruptedException {
    var list = new ArrayList<RecordedRequest>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      list.add(server.takeRequest(5, TimeUnit.SECONDS));
    }
    return list;
  }

  @Test
  void retriesA503ThenSucceedsResendingTheSameBodyAndHeaders() throws Exception {
    enqueueStatus(503);
    enqueueOk();
    LM lm = TestLms.builder(server).build();
    LmRequest request =
        LmRequest.ofUser("hi")
            .withHeader("Helicone-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e");

    StepVerifier.create(lm.complete(request).map(r -> r.text()))
        .expectNext("ok")
        .expectComplete()
        .verify(WAIT);

    List<RecordedRequest> sent = requests();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getBody()).isEqualTo(sent.get(0).getBody());
    assertThat(sent.get(1).getHeaders().get("Helicone-Request-Id"))
        .isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
    assertThat(sent.get(1).getHeaders().get("Authorization"))
        .isEqualTo(sent.get(0).getHeaders().get("Authorization"));
  }

  @Test
  void retries408409429And5xx() {
    for (int code : new int[] {408, 409, 429, 500}) {
      enqueueStatus(code);
    }
    enqueueOk();
    LM lm = TestLms.builder(server).numRetries(4).build();
    StepVerifier.create(lm.call("hi")).expectNext(List.of("ok")).expectComplete().verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void retriesAConnectionDroppedBeforeTheResponse() {
    server.enqueue(
        new MockResponse.Builder()
            .onRequestStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    enqueueOk();
    StepVerifier.create(TestLms.builder(server).build().call("hi"))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void givesUpAfterNumRetriesWithTheLastError() {
    for (int i = 0; i < 3; i++) {
      enqueueStatus(500);
    }
    StepVerifier.create(TestLms.builder(server).numRetries(2).build().call("hi"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ServerException.class)
                    .hasMessageContaining("failure 500"))
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void doesNotRetryAnInvalidRequest() {
    enqueueStatus(400);
    enqueueOk();
    StepVerifier.create(TestLms.builder(server).build().call("hi"))
        .expectError(InvalidRequestException.class)
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void waitsAtLeastTheRetryAfterTheServerAsksFor() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "1")
            .body("slow down")
            .build());
    enqueueOk();
    long start = System.nanoTime();
    StepVerifier.create(TestLms.builder(server).build().call("hi"))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);
    // The backoff alone is at most 50 ms here; only the Retry-After explains a wait of a second.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void honoursRetryAfterMs() {
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("retry-after-ms", "600")
            .body("busy")
            .build());
    enqueueOk();
    long start = System.nanoTime();
    StepVerifier.create(TestLms.builder(server).build().call("hi"))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(580));
  }

  @Test
  void aRetryAfterBeyondTheCapFailsAtOnceSayingHowLong() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "120")
            .body("come back later")
            .build());
    enqueueOk();
    long start = System.nanoTime();
    StepVerifier.create(TestLms.builder(server).build().call("hi"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(RateLimitException.class)
                  .hasMessageContaining("wait 120 s")
                  .hasMessageContaining("cap of 60 s");
              assertThat(((RateLimitException) e).retryAfter()).contains(Duration.ofSeconds(120));
            })
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aStreamIsRetriedAfterAnErrorStatus() {
    enqueueStatus(502);
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream("a", "b"))
            .build());
    StepVerifier.create(TestLms.builder(server).build().tokens("hi"))
        .expectNext("a", "b")
        .expectComplete()
        .verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aRetryPolicyGivenToTheBuilderDecidesWhatIsRetried() {
    enqueueStatus(503);
    enqueueOk();
    // Only 429s are retried by this policy: the 503 reaches the caller after one attempt.
    LM lm =
        TestLms.builder(server)
            .retry(
                RetryPolicy.builder()
                    .maxRetries(2)
                    .backoff(Duration.ofMillis(5))
                    .filter(RateLimitException.class::isInstance)
                    .build())
            .build();
    StepVerifier.create(lm.call("hi")).expectError(ServerException.class).verify(WAIT);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(lm.numRetries()).isEqualTo(2);
    assertThat(lm.withNumRetries(4).retry().maxRetries())
        .as("a copy keeps the policy, with the new count")
        .isEqualTo(4);
  }
}
