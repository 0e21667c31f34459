package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.helicone.HeliconeMetadata;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * Request and response headers over real HTTP: the response's {@code Headers} (names ignoring
 * case), the one request-id lookup shared by responses, errors and Helicone metadata, and the merge
 * of the transport's own headers with the call's.
 */
class LmResponseHeadersHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  @Test
  void responseHeadersAreLookedUpIgnoringCaseAndTheRequestIdIsTheOneLookup() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("helicone-id", " ")
            .addHeader("X-Request-Id", "prov-7")
            .addHeader("Helicone-RateLimit-Reset", "12")
            .addHeader("Helicone-RateLimit-Remaining", "40")
            .addHeader("X-Multi", "a")
            .addHeader("X-Multi", "b")
            .body(Sse.completion("hi"))
            .build());
    LM lm = TestLms.builder(server).cache(false).build();

    LmResponse r = lm.complete(LmRequest.ofUser("q")).block(WAIT);

    assertThat(r.headers().get("x-request-id")).isEqualTo("prov-7");
    assertThat(r.header("x-multi")).hasValue("a, b");
    assertThat(r.requestId()).hasValue("prov-7");
    HeliconeMetadata meta = HeliconeMetadata.from(r);
    assertThat(meta.requestId()).isEqualTo(r.requestId());
    assertThat(meta.rateLimit().orElseThrow().resetSeconds()).hasValue(12);
    assertThat(meta.rateLimit().orElseThrow().remaining()).hasValue(40);
  }

  @Test
  void anErrorCarriesTheSameRequestIdAsASuccessWould() {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("Content-Type", "application/json")
            .addHeader("Helicone-Request-Id", "chosen-1")
            .addHeader("x-request-id", "prov-1")
            .body("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}")
            .build());
    LM lm = TestLms.builder(server).cache(false).numRetries(0).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("q")))
        .expectErrorSatisfies(e -> assertThat(((LmException) e).requestId()).hasValue("chosen-1"))
        .verify(WAIT);
  }

  @Test
  void aResponseHeaderThatIsNotASafeHeaderValueIsLeftOutAndTheRestKept() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "application/json")
              .addHeaderLenient("X-Tabbed", "a\tb")
              .addHeaderLenient("X-Latin", "caf\u00e9")
              .addHeader("Helicone-Id", "hc-9")
              .body(Sse.completion("hi"))
              .build());
    }
    // Control: the unsafe headers really are on the wire (a plain Reactor Netty client sees them).
    var raw = HttpClient.create().get().uri(server.url("/raw").uri()).response().block(WAIT);
    assertThat(raw.responseHeaders().get("X-Tabbed")).isEqualTo("a\tb");
    assertThat(raw.responseHeaders().get("X-Latin")).isNotNull();
    LM lm = TestLms.builder(server).cache(false).build();

    LmResponse r = lm.complete(LmRequest.ofUser("q")).block(WAIT);

    assertThat(r.text()).isEqualTo("hi");
    assertThat(r.headers().contains("X-Tabbed")).isFalse();
    assertThat(r.headers().contains("X-Latin")).isFalse();
    assertThat(r.requestId()).hasValue("hc-9");
  }

  @Test
  void theCallsHeadersReplaceTheTransportsOwnIgnoringCase() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("hi"))
            .build());
    LM lm = TestLms.builder(server).cache(false).header("x-lm", "1").build();

    lm.complete(LmRequest.ofUser("q").withHeader("user-agent", "my-app/2").withHeader("X-LM", "2"))
        .block(WAIT);

    RecordedRequest sent = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(sent).isNotNull();
    assertThat(sent.getHeaders().values("User-Agent")).containsExactly("my-app/2");
    assertThat(sent.getHeaders().values("X-LM")).containsExactly("2");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TestLms.API_KEY);
  }
}
