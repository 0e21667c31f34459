package dev.dspy4j.core.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
    var budget = RateLimitHeaders.parse(Map.of("HELICONE-RATELIMIT-REMAINING", "4", "helicone-ratelimit-limit",
        "1000", "x-ratelimit-remaining-requests", "900", "Helicone-RateLimit-Reset", "30"), 0);

    assertThat(budget.remainingRequests()).hasValue(4);
    assertThat(budget.limitRequests()).hasValue(1000);
    assertThat(budget.reset()).contains(Duration.ofSeconds(30));
    assertThat(budget.low(8)).isTrue();
    assertThat(budget.exhausted()).isFalse();
  }

  @Test
  void anEpochResetBecomesADelay() {
    long now = 1_800_000_000_000L;
    var budget = RateLimitHeaders.parse(Map.of("Helicone-RateLimit-Remaining", "0",
        "Helicone-RateLimit-Reset", "1800000012"), now);

    assertThat(budget.reset()).contains(Duration.ofSeconds(12));
    assertThat(budget.exhausted()).isTrue();
  }

  @Test
  void unreadableValuesAreNoSignal() {
    var budget = RateLimitHeaders.parse(Map.of("x-ratelimit-remaining-requests", "lots"), 0);

    assertThat(budget.isEmpty()).isTrue();
    assertThat(budget.low(8)).isFalse();
  }

  @Test
  void withoutAQuotaFewerRequestsLeftThanTheConcurrencyIsLow() {
    var budget = RateLimitHeaders.parse(Map.of("x-ratelimit-remaining-requests", "5"), 0);

    assertThat(budget.low(8)).isTrue();
    assertThat(budget.low(4)).isFalse();
  }
}
