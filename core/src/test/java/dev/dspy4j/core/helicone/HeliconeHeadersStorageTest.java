package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.http.Headers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * HeliconeHeaders holds each typed value once, as the header it is sent as: the typed getters read
 * it back from there, groups of headers (cache mode, gateway retries) are replaced as a whole, and
 * the order is fixed whatever order the setters were called in.
 */
class HeliconeHeadersStorageTest {

  @Test
  void typedGettersReadBackWhatTheSettersStored() {
    var policy =
        RateLimitPolicy.cents(new BigDecimal("12.5")).per(Duration.ofHours(1)).segmentBy("Org");
    String id = UUID.randomUUID().toString();
    HeliconeHeaders h =
        HeliconeHeaders.builder()
            .rateLimitPolicy(policy)
            .cache(CacheMode.SAVE_ONLY)
            .property("Env", "prod")
            .requestId(id.toUpperCase())
            .userId("u-1")
            .session("s-1", "Support", "support/chat")
            .build();

    assertThat(h.rateLimitPolicy()).contains(policy);
    assertThat(h.cacheMode()).contains(CacheMode.SAVE_ONLY);
    assertThat(h.properties()).containsExactly(Map.entry("Env", "prod"));
    assertThat(h.requestId()).contains(id);
    assertThat(h.userId()).contains("u-1");
    assertThat(h.sessionId()).contains("s-1");
    assertThat(h.sessionName()).contains("Support");
    assertThat(h.sessionPath()).contains("/support/chat");
    assertThat(h.toHeaders().names())
        .containsExactly(
            "Helicone-Session-Id",
            "Helicone-Session-Name",
            "Helicone-Session-Path",
            "Helicone-User-Id",
            "Helicone-Request-Id",
            "Helicone-Property-Env",
            "Helicone-Cache-Save",
            "Helicone-RateLimit-Policy");
    assertThat(h.toMap()).isEqualTo(h.toHeaders().asMap());
    assertThat(HeliconeHeaders.empty().cacheMode()).isEmpty();
    assertThat(HeliconeHeaders.empty().rateLimitPolicy()).isEmpty();
    assertThat(HeliconeHeaders.empty().toHeaders()).isEqualTo(Headers.empty());
  }

  @Test
  void aNewCacheModeReplacesTheOldOneInTheBuilderAndWhenLayered() {
    HeliconeHeaders readOnly =
        HeliconeHeaders.builder().cache(CacheMode.READ_ONLY).cache(CacheMode.OFF).build();
    assertThat(readOnly.toMap()).containsExactly(Map.entry("Helicone-Cache-Enabled", "false"));

    HeliconeHeaders outer =
        HeliconeHeaders.builder().cache(CacheMode.SAVE_ONLY).userId("u").build();
    HeliconeHeaders merged =
        outer.overriddenBy(HeliconeHeaders.builder().cache(CacheMode.READ_ONLY).build());
    assertThat(merged.toMap())
        .containsExactly(
            Map.entry("Helicone-User-Id", "u"), Map.entry("Helicone-Cache-Read", "true"));
    assertThat(merged.cacheMode()).contains(CacheMode.READ_ONLY);
  }

  @Test
  void innerGatewayRetriesReplaceTheOuterOnesAsAWhole() {
    HeliconeHeaders outer =
        HeliconeHeaders.builder()
            .retry(GatewayRetry.enabled().retries(3).factor(1.5).minTimeout(Duration.ofMillis(200)))
            .build();
    HeliconeHeaders merged =
        outer.overriddenBy(HeliconeHeaders.builder().retry(GatewayRetry.disabled()).build());

    assertThat(merged.toMap()).containsExactly(Map.entry("Helicone-Retry-Enabled", "false"));
  }

  @Test
  void theSendingOrderDoesNotDependOnTheOrderOfTheSetters() {
    HeliconeHeaders a =
        HeliconeHeaders.builder()
            .posthogKey("phc")
            .omitRequest(true)
            .userId("u")
            .property("B", "2")
            .sessionId("s")
            .property("A", "1")
            .build();
    HeliconeHeaders b =
        HeliconeHeaders.builder()
            .sessionId("s")
            .userId("u")
            .property("B", "2")
            .property("A", "1")
            .omitRequest(true)
            .posthogKey("phc")
            .build();

    assertThat(a.toHeaders().names()).containsExactlyElementsOf(b.toHeaders().names());
    assertThat(a.toHeaders().names())
        .containsExactly(
            "Helicone-Session-Id",
            "Helicone-User-Id",
            "Helicone-Property-B",
            "Helicone-Property-A",
            "Helicone-Omit-Request",
            "Helicone-Posthog-Key");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void aPropertyDifferingOnlyInCaseReplacesTheEarlierOneAndGoesLast() {
    HeliconeHeaders h =
        HeliconeHeaders.builder()
            .property("env", "a")
            .property("Team", "t")
            .property("ENV", "b")
            .build();

    assertThat(h.properties()).containsExactly(Map.entry("Team", "t"), Map.entry("ENV", "b"));
  }
}
