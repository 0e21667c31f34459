package dev.dspy4j.core.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.helicone.HeliconeMetadata;
import dev.dspy4j.core.http.Headers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void readsOpenAiGoStyleDurations() {
    assertThat(RateLimitHeaders.openAiDuration("1s")).contains(Duration.ofSeconds(1));
    assertThat(RateLimitHeaders.openAiDuration("6m0s")).contains(Duration.ofMinutes(6));
    assertThat(RateLimitHeaders.openAiDuration("20ms")).contains(Duration.ofMillis(20));
    assertThat(RateLimitHeaders.openAiDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
    assertThat(RateLimitHeaders.openAiDuration("2")).contains(Duration.ofSeconds(2));
    assertThat(RateLimitHeaders.openAiDuration("soon")).isEmpty();
    assertThat(RateLimitHeaders.openAiDuration("1s later")).isEmpty();
  }

  @Test
  void heliconeHeadersWinAndNamesIgnoreCase() {
    var budget =
        RateLimitHeaders.parse(
            Headers.of(
                Map.of(
                    "HELICONE-RATELIMIT-REMAINING",
                    "4",
                    "helicone-ratelimit-limit",
                    "1000",
                    "x-ratelimit-remaining-requests",
                    "900",
                    "Helicone-RateLimit-Reset",
                    "30")));

    assertThat(budget.remainingRequests()).hasValue(4);
    assertThat(budget.limitRequests()).hasValue(1000);
    assertThat(budget.reset()).contains(Duration.ofSeconds(30));
    assertThat(budget.low(8)).isTrue();
    assertThat(budget.exhausted()).isFalse();
  }

  /**
   * The one reading of {@code Helicone-RateLimit-Reset}, pinned: Helicone documents it as the
   * seconds until the window resets, so it is a delay whatever its size (never an epoch timestamp),
   * fractions are kept to the millisecond, and the limiter and {@code HeliconeMetadata} read the
   * same value.
   */
  @Test
  void heliconeResetIsSecondsUntilTheWindowResets() {
    Headers h =
        Headers.of(
            Map.of("Helicone-RateLimit-Remaining", "0", "helicone-ratelimit-reset", "1800000012"));

    assertThat(RateLimitHeaders.parse(h).reset()).contains(Duration.ofSeconds(1_800_000_012L));
    assertThat(RateLimitHeaders.parse(h).exhausted()).isTrue();
    assertThat(HeliconeMetadata.from(h).rateLimit().orElseThrow().resetSeconds())
        .hasValue(1_800_000_012L);

    Headers fraction = Headers.of("Helicone-RateLimit-Reset", "2.5");
    assertThat(RateLimitHeaders.heliconeReset(fraction)).contains(Duration.ofMillis(2500));
    assertThat(HeliconeMetadata.from(fraction).rateLimit().orElseThrow().resetSeconds())
        .hasValue(3);

    for (String unreadable : new String[] {"-1", "soon", "NaN", "Infinity", ""}) {
      Headers bad = Headers.of("Helicone-RateLimit-Reset", unreadable);
      assertThat(RateLimitHeaders.heliconeReset(bad)).as(unreadable).isEmpty();
      assertThat(HeliconeMetadata.from(bad).rateLimit()).as(unreadable).isEmpty();
    }
  }

  @Test
  void limitAndRemainingAreReadTheSameWayByTheLimiterAndTheMetadata() {
    Headers h =
        Headers.of("HELICONE-RATELIMIT-LIMIT", " 1000 ", "Helicone-RateLimit-Remaining", "12.0");

    var budget = RateLimitHeaders.parse(h);
    var status = HeliconeMetadata.from(h).rateLimit().orElseThrow();

    assertThat(budget.limitRequests()).hasValue(1000);
    assertThat(budget.remainingRequests()).hasValue(12);
    assertThat(status.limit()).isEqualTo(budget.limitRequests());
    assertThat(status.remaining()).isEqualTo(budget.remainingRequests());
  }

  @Test
  void unreadableValuesAreNoSignal() {
    var budget =
        RateLimitHeaders.parse(Headers.of(Map.of("x-ratelimit-remaining-requests", "lots")));

    assertThat(budget.isEmpty()).isTrue();
    assertThat(budget.low(8)).isFalse();
  }

  @Test
  void withoutAQuotaFewerRequestsLeftThanTheConcurrencyIsLow() {
    var budget = RateLimitHeaders.parse(Headers.of(Map.of("x-ratelimit-remaining-requests", "5")));

    assertThat(budget.low(8)).isTrue();
    assertThat(budget.low(4)).isFalse();
  }
}
