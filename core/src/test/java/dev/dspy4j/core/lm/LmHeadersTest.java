package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.helicone.HeliconeMetadata;
import dev.dspy4j.core.http.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LmRequest and LmResponse carry {@link Headers}: one validation, one lookup, names ignoring case.
 */
class LmHeadersTest {

  @Test
  void aRequestHeaderIsCheckedByTheSameRuleAsHeadersAtOnce() {
    LmRequest.Builder b = LmRequest.builder(List.of(Message.user("q")));

    assertThatThrownBy(() -> b.header("X-Trace", "a\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Trace")
        .hasMessageNotContaining("Injected");
    assertThatThrownBy(() -> b.header("Bad Name", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.headers(Map.of("X-Name", "Zoë")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LmRequest.ofUser("q").withHeader("X-Null", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void requestHeadersAreOnePerNameIgnoringCase() {
    var map = new LinkedHashMap<String, String>();
    map.put("x-a", "1");
    map.put("X-B", "2");
    LmRequest r =
        LmRequest.builder(List.of(Message.user("q"))).headers(map).header("X-A", "3").build();

    assertThat(r.headers().asMap()).containsExactly(Map.entry("X-A", "3"), Map.entry("X-B", "2"));
    assertThat(r.headers().get("x-b")).isEqualTo("2");
    assertThat(r.withHeader("x-b", "9").headers().get("X-B")).isEqualTo("9");
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(LmRequest.ofUser("q").withHeader("x-id", "1"))
        .isEqualTo(LmRequest.ofUser("q").withHeader("X-ID", "1"));
    assertThat(
            LmRequest.builder(List.of(Message.user("q")))
                .headers(Headers.of("X-C", "c"))
                .build()
                .headers())
        .isEqualTo(Headers.of("x-c", "c"));
  }

  @Test
  void aRequestShowsHeaderNamesButNeverValues() {
    LmRequest r = LmRequest.ofUser("q").withHeader("Authorization", "Bearer sk-SECRET");

    assertThat(r.toString()).contains("Authorization").doesNotContain("sk-SECRET");
    assertThat(r.headers().toString()).doesNotContain("sk-SECRET");
  }

  @Test
  void responseHeadersAreLookedUpIgnoringCase() {
    LmResponse r =
        LmResponse.builder(List.of("a"))
            .headers(Map.of("helicone-cache", "HIT", "Content-Type", "application/json"))
            .build();

    assertThat(r.header("Helicone-Cache")).hasValue("HIT");
    assertThat(r.headers().get("content-type")).isEqualTo("application/json");
    assertThat(r.cacheHit()).isTrue();
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(LmResponse.of("a").headers().isEmpty()).isTrue();
  }

  @Test
  void theResponseAndItsHeliconeMetadataAgreeOnTheRequestId() {
    Map<String, Map<String, String>> cases =
        Map.of(
            "hel",
                Map.of(
                    "Helicone-Id", "hel", "Helicone-Request-Id", "chosen", "x-request-id", "prov"),
            "chosen", Map.of("helicone-request-id", "chosen", "X-Request-Id", "prov"),
            "prov", Map.of("Helicone-Id", "  ", "x-request-id", "prov"));

    cases.forEach(
        (expected, headers) -> {
          LmResponse r = LmResponse.builder(List.of("a")).headers(headers).build();
          assertThat(r.requestId()).as(expected).hasValue(expected);
          assertThat(HeliconeMetadata.from(r).requestId()).as(expected).hasValue(expected);
        });
    assertThat(LmResponse.of("a").requestId()).isEmpty();
    assertThat(HeliconeMetadata.from(LmResponse.of("a")).requestId()).isEmpty();
  }
}
