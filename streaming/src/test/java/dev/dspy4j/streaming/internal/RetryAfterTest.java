package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.http.Headers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static java.util.Optional<Duration> parse(Map<String, String> headers) {
    return RetryAfter.from(Headers.of(headers)::get, CLOCK);
  }

  @Test
  void readsDeltaSeconds() {
    assertThat(parse(Map.of("Retry-After", "30"))).contains(Duration.ofSeconds(30));
    assertThat(parse(Map.of("retry-after", " 1.5 "))).contains(Duration.ofMillis(1500));
  }

  @Test
  void readsAnHttpDateRelativeToNow() {
    assertThat(parse(Map.of("Retry-After", "Thu, 01 Jan 2026 00:00:45 GMT")))
        .contains(Duration.ofSeconds(45));
    assertThat(parse(Map.of("Retry-After", "Wed, 31 Dec 2025 23:00:00 GMT")))
        .contains(Duration.ZERO);
  }

  @Test
  void retryAfterMsWins() {
    assertThat(parse(Map.of("retry-after-ms", "250", "Retry-After", "9")))
        .contains(Duration.ofMillis(250));
  }

  @Test
  void ignoresGarbage() {
    assertThat(parse(Map.of("Retry-After", "soon"))).isEmpty();
    assertThat(parse(Map.of("Retry-After", "-3"))).isEmpty();
    assertThat(parse(Map.of())).isEmpty();
  }
}
