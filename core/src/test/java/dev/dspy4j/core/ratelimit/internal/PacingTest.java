package dev.dspy4j.core.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.RateLimitException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacingTest {

  private static Pacing adaptive(double requestsPerSecond) {
    return new Pacing(requestsPerSecond, true, 0.5, 0.1, 0.2, Duration.ofSeconds(10));
  }

  private static RateLimitException tooMany(Duration retryAfter) {
    return new RateLimitException("429", 429, null, retryAfter, null, null);
  }

  @Test
  void startsAreSpacedOneIntervalApartAtTheCurrentPace() {
    var pacing = adaptive(10);
    assertThat(pacing.millisUntilNextStart(0)).isZero();
    pacing.started(0);
    assertThat(pacing.millisUntilNextStart(0)).isEqualTo(100);
    assertThat(pacing.millisUntilNextStart(100)).isZero();

    pacing.rateLimited(1, 1, tooMany(null), 100); // pace 0.5: 5 starts per second
    assertThat(pacing.requestsPerSecond()).hasValue(5.0);
    pacing.started(100);
    assertThat(pacing.millisUntilNextStart(100)).isEqualTo(200);
  }

  @Test
  void withoutARateBudgetOnlyAPauseDelaysAStart() {
    var pacing = adaptive(0);
    pacing.started(0);
    pacing.started(0);
    assertThat(pacing.millisUntilNextStart(0)).isZero();
    assertThat(pacing.requestsPerSecond()).isEmpty();
  }

  @Test
  void oneRoundOf429sHalvesThePaceOnceAndRetryAfterPausesCappedAtMaxPause() {
    var pacing = adaptive(0);
    // Three requests granted (sequences 1..3), all refused.
    pacing.rateLimited(1, 3, tooMany(Duration.ofSeconds(2)), 0);
    pacing.rateLimited(2, 3, tooMany(Duration.ofSeconds(60)), 0);
    pacing.rateLimited(3, 3, tooMany(null), 0);
    assertThat(pacing.pace()).isEqualTo(0.5);
    assertThat(pacing.pausedFor(0)).isEqualTo(10_000); // 60 s asked, capped at 10 s
    assertThat(pacing.millisUntilNextStart(4_000)).isEqualTo(6_000);

    // A request granted after the decrease (sequence 4) is a new round.
    pacing.rateLimited(4, 4, tooMany(null), 0);
    assertThat(pacing.pace()).isEqualTo(0.25);
    pacing.rateLimited(5, 5, tooMany(null), 0);
    assertThat(pacing.pace()).isEqualTo(0.2); // the floor
  }

  @Test
  void onlySuccessesSentAtTheCurrentPaceRecoverIt() {
    var pacing = adaptive(0);
    pacing.rateLimited(1, 2, tooMany(null), 0); // pace 0.5, decided when 2 were granted
    pacing.succeeded(2, 2, Headers.empty(), 0, 8); // in flight before the decrease: no signal
    assertThat(pacing.pace()).isEqualTo(0.5);
    pacing.succeeded(3, 3, Headers.empty(), 0, 8);
    assertThat(pacing.pace()).isEqualTo(0.6);
    for (int i = 4; i < 20; i++) {
      pacing.succeeded(i, i, Headers.empty(), 0, 8);
    }
    assertThat(pacing.pace()).isEqualTo(1.0);
  }

  @Test
  void aLowRemainingBudgetSlowsDownAndAnExhaustedOnePausesUntilItsReset() {
    var pacing = adaptive(0);
    assertThat(
            pacing.budgetHeaders(
                1, 1, Headers.of(Map.of("Helicone-RateLimit-Remaining", "500")), 0, 8))
        .isFalse();
    assertThat(pacing.pace()).isEqualTo(1.0);

    var exhausted =
        Headers.of(Map.of("helicone-ratelimit-remaining", "0", "Helicone-RateLimit-Reset", "3"));
    assertThat(pacing.budgetHeaders(2, 2, exhausted, 1_000, 8)).isTrue();
    assertThat(pacing.pace()).isEqualTo(0.5);
    assertThat(pacing.pausedFor(1_000)).isEqualTo(3_000);

    // A success whose headers say the budget is low does not recover the pace.
    pacing.succeeded(3, 3, Headers.of(Map.of("Helicone-RateLimit-Remaining", "2")), 1_000, 4);
    assertThat(pacing.pace()).isEqualTo(0.25);
  }

  @Test
  void aFixedPacingIgnores429sAndHeaders() {
    var pacing = new Pacing(10, false, 0.5, 0.1, 0.2, Duration.ofSeconds(10));
    pacing.rateLimited(1, 1, tooMany(Duration.ofSeconds(5)), 0);
    assertThat(
            pacing.budgetHeaders(
                2, 2, Headers.of(Map.of("Helicone-RateLimit-Remaining", "0")), 0, 8))
        .isFalse();
    pacing.succeeded(3, 3, Headers.empty(), 0, 8);
    assertThat(pacing.pace()).isEqualTo(1.0);
    assertThat(pacing.pausedFor(0)).isZero();
  }
}
