package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** {@link Helicone#requestHeaders}: the checks made before anything is sent. */
class RequestHeadersTest {

  private static final RateLimitPolicy PER_USER =
      RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser();

  @Test
  void aPerUserPolicyWithoutAUserIdFailsTheCallBeforeItIsSent() {
    var lm =
        new RecordingLanguageModel(
            Map.of(), HeliconeHeaders.builder().rateLimitPolicy(PER_USER).build(), 0);

    StepVerifier.create(lm.complete(LmRequest.ofUser("q")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("s=user")
                    .hasMessageContaining("Helicone-User-Id"))
        .verify(Duration.ofSeconds(10));
    assertThat(lm.sent()).isEmpty();
  }

  @Test
  void aPerUserPolicyOnTheLmIsSatisfiedByAUserInTheContext() {
    var lm =
        new RecordingLanguageModel(
            Map.of(), HeliconeHeaders.builder().rateLimitPolicy(PER_USER).build(), 0);

    StepVerifier.create(lm.complete(LmRequest.ofUser("q")).contextWrite(Helicone.user("user-1")))
        .expectNextCount(1)
        .verifyComplete();
    assertThat(lm.sent().get(0).headers())
        .containsEntry("Helicone-RateLimit-Policy", "1000;w=3600;u=request;s=user")
        .containsEntry("Helicone-User-Id", "user-1");
  }

  @Test
  void aPerPropertyPolicyNeedsThatPropertyIgnoringCase() {
    var policy = RateLimitPolicy.requests(5).per(Duration.ofMinutes(1)).segmentBy("organization");
    Context withPolicy = Helicone.rateLimit(policy).apply(Context.empty());

    assertThatThrownBy(
            () -> requestHeaders(Map.of(), HeliconeHeaders.empty(), withPolicy, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Property-organization");

    Context withProperty = Helicone.property("Organization", "org-9").apply(withPolicy);
    assertThat(requestHeaders(Map.of(), HeliconeHeaders.empty(), withProperty, Map.of()))
        .containsEntry("Helicone-Property-Organization", "org-9")
        .containsEntry("Helicone-RateLimit-Policy", "5;w=60;u=request;s=organization");
  }

  @Test
  void theSeedPagesBasic100PolicyIsRejectedInsteadOfSilentlyIgnored() {
    var lm =
        new RecordingLanguageModel(
            Map.of("Helicone-RateLimit-Policy", "basic-100"), HeliconeHeaders.empty(), 0);

    StepVerifier.create(lm.complete(LmRequest.ofUser("q")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("basic-100")
                    .hasMessageContaining("silently ignores"))
        .verify(Duration.ofSeconds(10));
    assertThat(lm.sent()).isEmpty();
  }

  @Test
  void aRawRequestHeaderWithCrLfNeverReachesTheServer() {
    var lm = new RecordingLanguageModel();

    // Rejected where the request is built, by the same rule as an LM's default headers: there is
    // no request to send.
    assertThatThrownBy(() -> LmRequest.ofUser("q").withHeader("X-Trace", "a\r\nInjected: yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Trace")
        .hasMessageNotContaining("Injected");
    assertThat(lm.sent()).isEmpty();
  }

  @Test
  void anAuthorizationValueIsNeverEchoedInTheError() {
    String secret = "sk-helicone-SECRET\n";
    assertThatThrownBy(
            () ->
                requestHeaders(
                    Map.of("Authorization", "Bearer " + secret),
                    HeliconeHeaders.empty(),
                    Context.empty(),
                    Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Authorization")
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void aRawRequestIdThatTheGatewayWouldReplaceIsRejected() {
    assertThatThrownBy(
            () ->
                requestHeaders(
                    Map.of(),
                    HeliconeHeaders.empty(),
                    Context.empty(),
                    Map.of("Helicone-Request-Id", "my-request-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Request-Id")
        .hasMessageContaining("UUID");
  }

  @Test
  void aRawSessionPathIsNormalised() {
    assertThat(
            requestHeaders(
                Map.of("Helicone-Session-Path", "support//chat/"),
                HeliconeHeaders.empty(),
                Context.empty(),
                Map.of()))
        .containsEntry("Helicone-Session-Path", "/support/chat");
  }

  @Test
  void headerNamesDifferingOnlyInCaseAreOneHeaderAndTheLaterLayerWins() {
    var headers =
        requestHeaders(
            Map.of("helicone-user-id", "from-lm"),
            HeliconeHeaders.empty(),
            Context.empty(),
            Map.of("HELICONE-USER-ID", "from-call"));

    assertThat(headers).containsExactly(Map.entry("HELICONE-USER-ID", "from-call"));
  }

  @Test
  void anInvalidHeaderNameIsRejected() {
    assertThatThrownBy(
            () ->
                requestHeaders(
                    Map.of("Bad Header", "x"), HeliconeHeaders.empty(), Context.empty(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad Header");
  }

  /**
   * Helicone.requestHeaders with the raw layers given as maps (each checked as Headers.of does).
   */
  private static Map<String, String> requestHeaders(
      Map<String, String> lmHeaders,
      HeliconeHeaders lmHelicone,
      Context context,
      Map<String, String> callHeaders) {
    return Helicone.requestHeaders(
            Headers.of(lmHeaders), lmHelicone, context, Headers.of(callHeaders))
        .asMap();
  }
}
