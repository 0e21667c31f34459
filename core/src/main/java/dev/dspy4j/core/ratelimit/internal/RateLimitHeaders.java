package dev.dspy4j.core.ratelimit.internal;

import dev.dspy4j.core.http.Headers;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of rate-limit response headers: Helicone's {@code Helicone-RateLimit-Remaining},
 * {@code -Limit} and {@code -Reset}, and OpenAI's {@code x-ratelimit-remaining-requests}, {@code
 * -tokens}, {@code x-ratelimit-limit-*}, {@code x-ratelimit-reset-*}. The rate limiter reads the
 * budget here, and {@code HeliconeMetadata} reads the Helicone headers with {@link #count} and
 * {@link #heliconeReset}. Names are matched ignoring case ({@link Headers}); values that do not
 * parse are ignored (a budget we cannot read is no signal).
 *
 * <p>{@code Helicone-RateLimit-Reset} is read as Helicone documents it: the number of seconds until
 * the window resets (a delay, never a timestamp); fractions are kept to the millisecond.
 *
 * @param remainingRequests requests left in the current window, if reported
 * @param limitRequests the request quota of the window, if reported
 * @param remainingTokens tokens left in the current window, if reported
 * @param limitTokens the token quota of the window, if reported
 * @param reset time until the exhausted budget refills, if reported
 */
public record RateLimitHeaders(
    OptionalLong remainingRequests,
    OptionalLong limitRequests,
    OptionalLong remainingTokens,
    OptionalLong limitTokens,
    Optional<Duration> reset) {

  // The names HeliconeHeaderNames.RATE_LIMIT_* holds (spelt out: that package uses this one).
  private static final String HELICONE_LIMIT = "Helicone-RateLimit-Limit";
  private static final String HELICONE_REMAINING = "Helicone-RateLimit-Remaining";
  private static final String HELICONE_RESET = "Helicone-RateLimit-Reset";

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /** Parses the budget headers. */
  public static RateLimitHeaders parse(Headers h) {
    OptionalLong remainingRequests =
        first(count(h, HELICONE_REMAINING), count(h, "x-ratelimit-remaining-requests"));
    OptionalLong limitRequests =
        first(count(h, HELICONE_LIMIT), count(h, "x-ratelimit-limit-requests"));
    OptionalLong remainingTokens = count(h, "x-ratelimit-remaining-tokens");
    OptionalLong limitTokens = count(h, "x-ratelimit-limit-tokens");
    Optional<Duration> reset = heliconeReset(h);
    if (reset.isEmpty()) {
      // The reset that matters is the one of the budget that ran out.
      boolean tokensOut = remainingTokens.isPresent() && remainingTokens.getAsLong() <= 0;
      reset =
          tokensOut
              ? openAiDuration(h.get("x-ratelimit-reset-tokens"))
              : openAiDuration(h.get("x-ratelimit-reset-requests"));
    }
    return new RateLimitHeaders(
        remainingRequests, limitRequests, remainingTokens, limitTokens, reset);
  }

  /**
   * The number in header {@code name}: a decimal number within the range of a {@code long}, rounded
   * to the nearest whole one; empty when the header is absent or holds anything else.
   */
  public static OptionalLong count(Headers h, String name) {
    String v = h.get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      double d = Double.parseDouble(v.trim());
      // Beyond a long the number cannot be a count anyone meant: no signal rather than a clamped
      // one.
      return Double.isFinite(d) && Math.abs(d) < 0x1p63
          ? OptionalLong.of(Math.round(d))
          : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * {@code Helicone-RateLimit-Reset}: seconds until the window resets (Helicone's documented
   * meaning), kept to the millisecond; empty when absent, negative or not a number.
   */
  public static Optional<Duration> heliconeReset(Headers h) {
    String value = h.get(HELICONE_RESET);
    if (value == null) {
      return Optional.empty();
    }
    try {
      double seconds = Double.parseDouble(value.trim());
      if (!Double.isFinite(seconds) || seconds < 0) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static OptionalLong first(OptionalLong a, OptionalLong b) {
    return a.isPresent() ? a : b;
  }

  /** True when no budget header was present. */
  public boolean isEmpty() {
    return remainingRequests.isEmpty() && remainingTokens.isEmpty();
  }

  /** True when a budget is used up (zero or fewer left). */
  public boolean exhausted() {
    return (remainingRequests.isPresent() && remainingRequests.getAsLong() <= 0)
        || (remainingTokens.isPresent() && remainingTokens.getAsLong() <= 0);
  }

  /**
   * True when a budget is nearly used up: at most a tenth of its quota is left, or, for a request
   * budget whose quota is unknown, fewer requests than {@code concurrency} (one more round would
   * exhaust it).
   */
  public boolean low(int concurrency) {
    if (exhausted()) {
      return true;
    }
    if (remainingRequests.isPresent()) {
      long left = remainingRequests.getAsLong();
      long threshold =
          limitRequests.isPresent() ? Math.max(1, limitRequests.getAsLong() / 10) : concurrency;
      if (left <= threshold) {
        return true;
      }
    }
    return remainingTokens.isPresent()
        && limitTokens.isPresent()
        && remainingTokens.getAsLong() <= limitTokens.getAsLong() / 10;
  }

  /**
   * Parses OpenAI's Go-style durations ({@code 1s}, {@code 6m0s}, {@code 20ms}) or plain seconds.
   */
  static Optional<Duration> openAiDuration(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException notPlainSeconds) {
      // fall through to the unit form
    }
    Matcher m = DURATION_PART.matcher(v);
    double millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return Optional.empty();
      }
      double n = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000;
            case "m" -> n * 60_000;
            case "s" -> n * 1000;
            default -> n;
          };
      end = m.end();
    }
    return end == v.length() && end > 0
        ? Optional.of(Duration.ofMillis(Math.round(millis)))
        : Optional.empty();
  }
}
