package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeliconeHeadersTest {

  private static final String REQUEST_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

  @Test
  void everyTypedSetterBecomesItsDocumentedHeaderInAFixedOrder() {
    var headers =
        HeliconeHeaders.builder()
            .posthogHost("https://posthog.example.com")
            .posthogKey("phc_key")
            .llmSecurityEnabled(true)
            .moderationsEnabled(true)
            .omitResponse(true)
            .omitRequest(false)
            .rateLimitPolicy(
                RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser())
            .retry(
                GatewayRetry.enabled()
                    .retries(3)
                    .factor(1.5)
                    .minTimeout(Duration.ofMillis(500))
                    .maxTimeout(Duration.ofSeconds(8)))
            .cacheIgnoreKeys("user", "metadata")
            .cacheSeed("experiment-7")
            .cacheBucketMaxSize(3)
            .cacheMaxAge(Duration.ofDays(1))
            .cache(CacheMode.READ_WRITE)
            .property("Environment", "production")
            .requestId(REQUEST_ID)
            .userId("user-123")
            .session("9d9c4a4e-0000-4000-8000-000000000000", "Customer Support", "/support/chat")
            .build();

    assertThat(headers.toMap())
        .containsExactly(
            entry("Helicone-Session-Id", "9d9c4a4e-0000-4000-8000-000000000000"),
            entry("Helicone-Session-Name", "Customer Support"),
            entry("Helicone-Session-Path", "/support/chat"),
            entry("Helicone-User-Id", "user-123"),
            entry("Helicone-Request-Id", REQUEST_ID),
            entry("Helicone-Property-Environment", "production"),
            entry("Helicone-Cache-Enabled", "true"),
            entry("Cache-Control", "max-age=86400"),
            entry("Helicone-Cache-Bucket-Max-Size", "3"),
            entry("Helicone-Cache-Seed", "experiment-7"),
            entry("Helicone-Cache-Ignore-Keys", "user,metadata"),
            entry("Helicone-Retry-Enabled", "true"),
            entry("Helicone-Retry-Num", "3"),
            entry("Helicone-Retry-Factor", "1.5"),
            entry("Helicone-Retry-Min-Timeout", "500"),
            entry("Helicone-Retry-Max-Timeout", "8000"),
            entry("Helicone-RateLimit-Policy", "1000;w=3600;u=request;s=user"),
            entry("Helicone-Omit-Request", "false"),
            entry("Helicone-Omit-Response", "true"),
            entry("Helicone-Moderations-Enabled", "true"),
            entry("Helicone-LLM-Security-Enabled", "true"),
            entry("Helicone-Posthog-Key", "phc_key"),
            entry("Helicone-Posthog-Host", "https://posthog.example.com"));
  }

  @Test
  void cacheModesMapToTheirHeaders() {
    assertThat(HeliconeHeaders.builder().cache(CacheMode.SAVE_ONLY).build().toMap())
        .containsExactly(entry("Helicone-Cache-Save", "true"));
    assertThat(HeliconeHeaders.builder().cache(CacheMode.READ_ONLY).build().toMap())
        .containsExactly(entry("Helicone-Cache-Read", "true"));
    assertThat(HeliconeHeaders.builder().cacheEnabled(false).build().toMap())
        .containsExactly(entry("Helicone-Cache-Enabled", "false"));
  }

  @Test
  void disabledGatewayRetriesAreSentAsFalseAndTakeNoSettings() {
    assertThat(HeliconeHeaders.builder().retry(GatewayRetry.disabled()).build().toMap())
        .containsExactly(entry("Helicone-Retry-Enabled", "false"));
    assertThatThrownBy(() -> GatewayRetry.disabled().retries(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GatewayRetry.enabled()");
  }

  @Test
  void gatewayRetrySettingsAreRangeChecked() {
    assertThatThrownBy(() -> GatewayRetry.enabled().retries(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayRetry.enabled().factor(0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayRetry.enabled().factor(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                GatewayRetry.enabled()
                    .minTimeout(Duration.ofSeconds(5))
                    .maxTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not exceed");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 21, -1})
  void cacheBucketMaxSizeOutsideOneToTwentyIsRejected(int size) {
    assertThatThrownBy(() -> HeliconeHeaders.builder().cacheBucketMaxSize(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 20");
  }

  @Test
  void cacheMaxAgeIsAtMost365DaysInWholeSeconds() {
    assertThat(HeliconeHeaders.builder().cacheMaxAge(Duration.ofDays(365)).build().toMap())
        .containsEntry("Cache-Control", "max-age=31536000");
    assertThatThrownBy(
            () -> HeliconeHeaders.builder().cacheMaxAge(Duration.ofDays(365).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("365 days");
    assertThatThrownBy(() -> HeliconeHeaders.builder().cacheMaxAge(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeliconeHeaders.builder().cacheMaxAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRandomUuidIsAcceptedAsRequestId() {
    UUID id = UUID.randomUUID();
    assertThat(HeliconeHeaders.builder().requestId(id).build().requestId()).contains(id.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-uuid",
        "3f2504e04f8941d39a0c0305e82c3301", // no dashes
        "3f2504e0-4f89-01d3-9a0c-0305e82c3301", // version 0
        "3f2504e0-4f89-61d3-9a0c-0305e82c3301", // version 6: the gateway accepts only 1-5
        "3f2504e0-4f89-41d3-7a0c-0305e82c3301", // variant not RFC 4122
        "00000000-0000-0000-0000-000000000000", // nil UUID
        "3f2504e0-4f89-41d3-9a0c-0305e82c33011", // too long
        "3g2504e0-4f89-41d3-9a0c-0305e82c3301"
      }) // not hex
  void requestIdsTheGatewayWouldSilentlyReplaceAreRejected(String id) {
    assertThatThrownBy(() -> HeliconeHeaders.builder().requestId(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Request-Id")
        .hasMessageContaining("version 1-5");
  }

  @Test
  void aNilUuidObjectIsRejectedToo() {
    assertThatThrownBy(() -> HeliconeHeaders.builder().requestId(new UUID(0, 0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sessionPathsAreNormalisedToStartWithSlashAndHaveNoDoubleSlash() {
    assertThat(HeliconeHeaders.builder().sessionPath("support/chat").build().sessionPath())
        .contains("/support/chat");
    assertThat(HeliconeHeaders.builder().sessionPath("//support///chat//").build().sessionPath())
        .contains("/support/chat");
    assertThat(HeliconeHeaders.builder().sessionPath("/").build().sessionPath()).contains("/");
    assertThat(HeliconeHeaders.builder().sessionPath("/").childPath("a").build().sessionPath())
        .contains("/a");
    assertThat(
            HeliconeHeaders.builder().sessionPath("/s").childPath("/a//b/").build().sessionPath())
        .contains("/s/a/b");
    assertThatThrownBy(() -> HeliconeHeaders.builder().sessionPath(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeliconeHeaders.builder().childPath("//"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void controlCharactersInAValueAreRejectedNamingTheHeader() {
    assertThatThrownBy(() -> HeliconeHeaders.builder().userId("user\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-User-Id")
        .hasMessageContaining("U+000D");
    assertThatThrownBy(() -> HeliconeHeaders.builder().property("Env", "prod\u0000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Property-Env");
  }

  @Test
  void nonAsciiValuesAreRejectedWithAdviceOnEncoding() {
    assertThatThrownBy(() -> HeliconeHeaders.builder().sessionName("Kundenservice München"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Session-Name")
        .hasMessageContaining("HeaderValues.percentEncode");
  }

  @Test
  void blankValuesAndIllegalPropertyNamesAreRejected() {
    assertThatThrownBy(() -> HeliconeHeaders.builder().sessionId(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeliconeHeaders.builder().property("My Prop", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("property name");
    assertThatThrownBy(() -> HeliconeHeaders.builder().cacheIgnoreKeys("a,b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeliconeHeaders.builder().userId(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("Helicone-User-Id");
  }

  @Test
  void overriddenByLetsTheInnerSetWinAndAccumulatesProperties() {
    var outer =
        HeliconeHeaders.builder()
            .session("outer", "Outer", "/outer")
            .userId("u1")
            .property("A", "1")
            .property("B", "2")
            .cache(CacheMode.READ_WRITE)
            .build();
    var inner =
        HeliconeHeaders.builder().userId("u2").property("b", "3").cache(CacheMode.OFF).build();

    var merged = outer.overriddenBy(inner);

    assertThat(merged.userId()).contains("u2");
    assertThat(merged.sessionId()).contains("outer");
    assertThat(merged.properties()).containsExactly(entry("A", "1"), entry("b", "3"));
    assertThat(merged.toMap()).containsEntry("Helicone-Cache-Enabled", "false");
  }

  @Test
  void relativeChildPathsComposeAcrossSeveralLayers() {
    var base = HeliconeHeaders.builder().sessionPath("/support").build();
    var chat = HeliconeHeaders.builder().childPath("chat").build();
    var answer = HeliconeHeaders.builder().childPath("answer").build();

    assertThat(base.overriddenBy(chat.overriddenBy(answer)).sessionPath())
        .contains("/support/chat/answer");
    assertThat(base.overriddenBy(chat).overriddenBy(answer).sessionPath())
        .contains("/support/chat/answer");
  }

  @Test
  void toStringMasksThePosthogKey() {
    var headers = HeliconeHeaders.builder().posthogKey("phc_SECRET").userId("u").build();
    assertThat(headers.toString()).doesNotContain("phc_SECRET").contains("Helicone-User-Id=u");
  }

  @Test
  void headersAreImmutable() {
    var builder = HeliconeHeaders.builder().property("A", "1");
    var first = builder.build();
    builder.property("B", "2");

    assertThat(first.properties()).containsOnlyKeys("A");
    assertThatThrownBy(() -> first.toMap().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
