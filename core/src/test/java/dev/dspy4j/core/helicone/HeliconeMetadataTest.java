package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeliconeMetadataTest {

  @Test
  void readsRequestIdCacheAndRateLimitFromAResponse() {
    var response =
        LmResponse.builder(List.of("hi"))
            .headers(
                Map.of(
                    "helicone-id", "req-1",
                    "Helicone-Status", "success",
                    "Helicone-Cache", "HIT",
                    "Helicone-Cache-Bucket-Idx", "2",
                    "Helicone-RateLimit-Limit", "1000",
                    "Helicone-RateLimit-Remaining", "998",
                    "Helicone-RateLimit-Reset", "3540",
                    "Helicone-RateLimit-Policy", "1000;w=3600;u=request;s=user"))
            .build();

    var meta = HeliconeMetadata.from(response);

    assertThat(meta.requestId()).contains("req-1");
    assertThat(meta.status()).contains("success");
    assertThat(meta.cacheStatus()).contains(CacheStatus.HIT);
    assertThat(meta.cacheHit()).isTrue();
    assertThat(meta.cacheBucketIndex()).hasValue(2);
    var rate = meta.rateLimit().orElseThrow();
    assertThat(rate.limit()).hasValue(1000);
    assertThat(rate.remaining()).hasValue(998);
    assertThat(rate.resetSeconds()).hasValue(3540);
    assertThat(rate.parsedPolicy())
        .contains(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser());
    assertThat(meta.rateLimitedByGateway()).isFalse();
  }

  @Test
  void fallsBackToHeliconeRequestIdAndSeesAGatewayRateLimit() {
    var meta =
        HeliconeMetadata.from(
            Map.of(
                "Helicone-Request-Id",
                "req-2",
                "Helicone-Cache",
                "miss",
                "X-Helicone-Error",
                "rate_limited"));

    assertThat(meta.requestId()).contains("req-2");
    assertThat(meta.cacheStatus()).contains(CacheStatus.MISS);
    assertThat(meta.cacheHit()).isFalse();
    assertThat(meta.rateLimitedByGateway()).isTrue();
  }

  @Test
  void aResponseFromAnotherEndpointHasNoMetadata() {
    var meta = HeliconeMetadata.from(LmResponse.of("hi"));

    assertThat(meta.requestId()).isEmpty();
    assertThat(meta.status()).isEmpty();
    assertThat(meta.cacheStatus()).isEmpty();
    assertThat(meta.cacheBucketIndex()).isEmpty();
    assertThat(meta.rateLimit()).isEmpty();
  }

  @Test
  void malformedNumbersAndUnknownCacheValuesAreEmptyNotErrors() {
    var meta =
        HeliconeMetadata.from(
            Map.of(
                "Helicone-Cache", "MAYBE",
                "Helicone-Cache-Bucket-Idx", "-1",
                "Helicone-RateLimit-Remaining", "lots",
                "Helicone-RateLimit-Limit", "99999999999999999999999"));

    assertThat(meta.cacheStatus()).isEmpty();
    assertThat(meta.cacheBucketIndex()).isEmpty();
    assertThat(meta.rateLimit()).isEmpty();
  }
}
