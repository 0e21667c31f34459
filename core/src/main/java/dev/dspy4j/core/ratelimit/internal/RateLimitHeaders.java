package dev.dspy4j.core.ratelimit.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the rate-limit budget a server reports in its response headers: Helicone's
 * {@code Helicone-RateLimit-Remaining/-Limit/-Reset} and OpenAI's {@code x-ratelimit-remaining-requests},
 * {@code -tokens}, {@code x-ratelimit-limit-*}, {@code x-ratelimit-reset-*}. Names are matched ignoring
 * case; values that do not parse are ignored (a budget we cannot read is no signal).
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

  /** Values above this are epoch seconds rather than a delay (Helicone documents seconds). */
  private static final long EPOCH_SECONDS_THRESHOLD = 1_000_000_000L;

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /** Parses the budget headers; {@code nowEpochMillis} converts an absolute reset into a delay. */
  public static RateLimitHeaders parse(Map<String, String> headers, long nowEpochMillis) {
    var h = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    OptionalLong remainingRequests =
        firstLong(h, "Helicone-RateLimit-Remaining", "x-ratelimit-remaining-requests");
    OptionalLong limitRequests = firstLong(h, "Helicone-RateLimit-Limit", "x-ratelimit-limit-requests");
    OptionalLong remainingTokens = firstLong(h, "x-ratelimit-remaining-tokens");
    OptionalLong limitTokens = firstLong(h, "x-ratelimit-limit-tokens");
    Optional<Duration> reset = heliconeReset(h.get("Helicone-RateLimit-Reset"), nowEpochMillis);
    if (reset.isEmpty()) {
      // The reset that matters is the one of the budget that ran out.
      boolean tokensOut = remainingTokens.isPresent() && remainingTokens.getAsLong() <= 0;
      reset = tokensOut
          ? openAiDuration(h.get("x-ratelimit-reset-tokens"))
          : openAiDuration(h.get("x-ratelimit-reset-requests"));
    }
    return new RateLimitHeaders(remainingRequests, limitRequests, remainingTokens, limitTokens, reset);
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
      long threshold = limitRequests.isPresent() ? Math.max(1, limitRequests.getAsLong() / 10) : concurrency;
      if (left <= threshold) {
        return true;
      }
    }
    return remainingTokens.isPresent()
        && limitTokens.isPresent()
        && remainingTokens.getAsLong() <= limitTokens.getAsLong() / 10;
  }

  private static OptionalLong firstLong(Map<String, String> h, String... names) {
    for (String name : names) {
      String v = h.get(name);
      if (v != null) {
        try {
          return OptionalLong.of(Math.round(Double.parseDouble(v.trim())));
        } catch (NumberFormatException ignored) {
          // an unreadable value is no signal; try the next name
        }
      }
    }
    return OptionalLong.empty();
  }

  private static Optional<Duration> heliconeReset(String value, long nowEpochMillis) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      double seconds = Double.parseDouble(value.trim());
      if (seconds < 0) {
        return Optional.empty();
      }
      if (seconds > EPOCH_SECONDS_THRESHOLD) {
        long delay = Math.round(seconds * 1000) - nowEpochMillis;
        return Optional.of(Duration.ofMillis(Math.max(0, delay)));
      }
      return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Parses OpenAI's Go-style durations ({@code 1s}, {@code 6m0s}, {@code 20ms}) or plain seconds. */
  static Optional<Duration> openAiDuration(String value) {
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
      millis += switch (m.group(2)) {
        case "h" -> n * 3_600_000;
        case "m" -> n * 60_000;
        case "s" -> n * 1000;
        default -> n;
      };
      end = m.end();
    }
    return end == v.length() && end > 0 ? Optional.of(Duration.ofMillis(Math.round(millis))) : Optional.empty();
  }
}
