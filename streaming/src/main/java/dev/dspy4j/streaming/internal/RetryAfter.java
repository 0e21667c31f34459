package dev.dspy4j.streaming.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The wait a server asks for: {@code retry-after-ms} (milliseconds, may be fractional) wins over
 * {@code Retry-After}, which is either delta-seconds or an HTTP date. Unparseable values are
 * ignored.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /** The requested wait, read through {@code header} (a case-insensitive header lookup). */
  public static Optional<Duration> from(Function<String, @Nullable String> header, Clock clock) {
    String ms = header.apply("retry-after-ms");
    if (ms != null) {
      Optional<Duration> d = parseNumber(ms.trim(), 1);
      if (d.isPresent()) {
        return d;
      }
    }
    String value = header.apply("Retry-After");
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    value = value.trim();
    Optional<Duration> seconds = parseNumber(value, 1000);
    if (seconds.isPresent()) {
      return seconds;
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration wait = Duration.between(clock.instant(), at.toInstant());
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Duration> parseNumber(String value, long millisPerUnit) {
    try {
      double units = Double.parseDouble(value);
      if (!(units >= 0)
          || Double.isInfinite(units)
          || value.endsWith("d")
          || value.endsWith("f")
          || value.endsWith("D")
          || value.endsWith("F")) {
        return Optional.empty();
      }
      double millis = Math.min(units * millisPerUnit, (double) Long.MAX_VALUE / 1_000_000);
      return Optional.of(Duration.ofNanos(Math.round(millis * 1_000_000)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
