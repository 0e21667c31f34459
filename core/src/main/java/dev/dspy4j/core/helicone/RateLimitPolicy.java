package dev.dspy4j.core.helicone;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Helicone-RateLimit-Policy} value, built so that it always parses at the gateway.
 *
 * <pre>{@code
 * RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser()  // 1000;w=3600;u=request;s=user
 * RateLimitPolicy.cents(500).per(Duration.ofDays(1))                       // 500;w=86400;u=cents
 * RateLimitPolicy.requests(100).per(Duration.ofMinutes(1)).segmentBy("Organization")
 * }</pre>
 *
 * <p>The gateway silently ignores a policy it cannot parse (the request goes through unlimited), so
 * every value is checked here: positive quota, window of whole seconds between 60 s and 365 days,
 * {@code u} before {@code s}, a legal segment property name. A {@code s=user} policy also needs a
 * {@code Helicone-User-Id} and {@code s=<name>} a {@code Helicone-Property-<name>}; that is checked
 * when the request's headers are assembled ({@link #requireSegmentHeaders(Map)}). Immutable.
 */
public final class RateLimitPolicy {

  /** What the quota counts. */
  public enum Unit {
    /** Requests ({@code u=request}). */
    REQUEST("request"),
    /** Cost in US cents ({@code u=cents}). */
    CENTS("cents");

    private final String wireName;

    Unit(String wireName) {
      this.wireName = wireName;
    }

    /** The value of the policy's {@code u} parameter. */
    public String wireName() {
      return wireName;
    }
  }

  /** Shortest window the gateway accepts. */
  public static final Duration MIN_WINDOW = Duration.ofSeconds(60);

  /** Longest window the gateway accepts (365 days). */
  public static final Duration MAX_WINDOW = Duration.ofSeconds(31_536_000);

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "^(\\d+(?:\\.\\d+)?);w=(\\d+)(?:;u=(request|cents))?(?:;s=([A-Za-z0-9_-]+))?$",
          Pattern.CASE_INSENSITIVE);
  private static final String EXPECTED =
      "expected <quota>;w=<seconds>[;u=request|cents][;s=user|<property>]"
          + ", e.g. 1000;w=3600;u=request;s=user";

  private final BigDecimal quota;
  private final long windowSeconds;
  private final Unit unit;
  private final boolean segmentByUser;
  private final @Nullable String segmentProperty;

  private RateLimitPolicy(
      BigDecimal quota,
      long windowSeconds,
      Unit unit,
      boolean segmentByUser,
      @Nullable String segmentProperty) {
    this.quota = quota;
    this.windowSeconds = windowSeconds;
    this.unit = unit;
    this.segmentByUser = segmentByUser;
    this.segmentProperty = segmentProperty;
  }

  /** A policy counting requests; finish it with {@link Quota#per(Duration)}. */
  public static Quota requests(long quota) {
    return new Quota(positive(BigDecimal.valueOf(quota)), Unit.REQUEST);
  }

  /** A policy counting cost in US cents; finish it with {@link Quota#per(Duration)}. */
  public static Quota cents(long quota) {
    return new Quota(positive(BigDecimal.valueOf(quota)), Unit.CENTS);
  }

  /**
   * A policy counting cost in US cents, fractions allowed ({@code 0.5} cents); finish with {@code
   * per}.
   */
  public static Quota cents(BigDecimal quota) {
    return new Quota(positive(Objects.requireNonNull(quota, "quota must not be null")), Unit.CENTS);
  }

  /**
   * Parses a header value by the gateway's grammar, {@code
   * <quota>;w=<seconds>[;u=request|cents][;s=user|<property>]}. Throws {@link
   * IllegalArgumentException} for anything the gateway would silently ignore, such as {@code
   * basic-100}. A value without {@code u} counts requests, as at the gateway.
   */
  public static RateLimitPolicy parse(String value) {
    Objects.requireNonNull(value, "rate-limit policy must not be null");
    var m = GRAMMAR.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + HeliconeStrings.preview(value)
              + "' is not a valid "
              + HeliconeHeaderNames.RATE_LIMIT_POLICY
              + ": "
              + EXPECTED
              + ". The gateway silently ignores a "
              + "policy it cannot parse and lets every request through unlimited; build one with "
              + "RateLimitPolicy.requests(1000).per(Duration.ofHours(1))");
    }
    var quota = positive(new BigDecimal(m.group(1)));
    long window = window(parseSeconds(m.group(2)));
    Unit unit =
        m.group(3) == null || m.group(3).equalsIgnoreCase("request") ? Unit.REQUEST : Unit.CENTS;
    String segment = m.group(4);
    if (segment == null) return new RateLimitPolicy(quota, window, unit, false, null);
    if (segment.equalsIgnoreCase("user"))
      return new RateLimitPolicy(quota, window, unit, true, null);
    return new RateLimitPolicy(quota, window, unit, false, segment);
  }

  /** The same policy counted per {@code Helicone-User-Id} ({@code s=user}). */
  public RateLimitPolicy segmentByUser() {
    return new RateLimitPolicy(quota, windowSeconds, unit, true, null);
  }

  /**
   * The same policy counted per value of the custom property {@code property} ({@code
   * s=<property>}; the request must carry {@code Helicone-Property-<property>}). The name may hold
   * ASCII letters, digits, {@code _} and {@code -}; {@code user} is reserved (use {@link
   * #segmentByUser()}).
   */
  public RateLimitPolicy segmentBy(String property) {
    HeliconeStrings.propertyName(property);
    if (property.equalsIgnoreCase("user")) {
      throw new IllegalArgumentException(
          "'s=user' means per Helicone-User-Id, not a property named '"
              + property
              + "': call segmentByUser(), or give the property another name");
    }
    return new RateLimitPolicy(quota, windowSeconds, unit, false, property);
  }

  /** The same policy with one bucket for the whole organisation (no {@code s}). */
  public RateLimitPolicy global() {
    return new RateLimitPolicy(quota, windowSeconds, unit, false, null);
  }

  /** How many requests or cents the window allows. */
  public BigDecimal quota() {
    return quota;
  }

  /** The window the quota applies to (whole seconds). */
  public Duration window() {
    return Duration.ofSeconds(windowSeconds);
  }

  /** What the quota counts. */
  public Unit unit() {
    return unit;
  }

  /** True for {@code s=user}. */
  public boolean segmentedByUser() {
    return segmentByUser;
  }

  /** The property of {@code s=<property>}, if the policy is segmented by one. */
  public Optional<String> segmentProperty() {
    return Optional.ofNullable(segmentProperty);
  }

  /**
   * The header value, in the gateway's order: {@code <quota>;w=<seconds>;u=<unit>[;s=<segment>]}.
   */
  public String headerValue() {
    var s =
        new StringBuilder()
            .append(quota.toPlainString())
            .append(";w=")
            .append(windowSeconds)
            .append(";u=")
            .append(unit.wireName());
    if (segmentByUser) s.append(";s=user");
    else if (segmentProperty != null) s.append(";s=").append(segmentProperty);
    return s.toString();
  }

  /**
   * Throws {@link IllegalArgumentException} unless {@code requestHeaders} (names compared ignoring
   * case) carry what this policy segments by: a non-blank {@code Helicone-User-Id} for {@code
   * s=user}, a non-blank {@code Helicone-Property-<property>} for {@code s=<property>}. Without it
   * the gateway cannot count the request.
   */
  public void requireSegmentHeaders(Map<String, String> requestHeaders) {
    Objects.requireNonNull(requestHeaders, "requestHeaders must not be null");
    if (segmentByUser && !hasValue(requestHeaders, HeliconeHeaderNames.USER_ID)) {
      throw new IllegalArgumentException(
          "the rate-limit policy '"
              + headerValue()
              + "' counts per user "
              + "(s=user) but the request has no "
              + HeliconeHeaderNames.USER_ID
              + ": add .contextWrite(Helicone.user(id)) or set userId on the LM's HeliconeHeaders");
    }
    if (segmentProperty != null
        && !hasValue(requestHeaders, HeliconeHeaderNames.PROPERTY_PREFIX + segmentProperty)) {
      throw new IllegalArgumentException(
          "the rate-limit policy '"
              + headerValue()
              + "' counts per property "
              + segmentProperty
              + " but the request has no "
              + HeliconeHeaderNames.PROPERTY_PREFIX
              + segmentProperty
              + ": add .contextWrite(Helicone.property(\""
              + segmentProperty
              + "\", value))");
    }
  }

  private static boolean hasValue(Map<String, String> headers, String name) {
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isBlank())
        return true;
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitPolicy p
        && quota.compareTo(p.quota) == 0
        && windowSeconds == p.windowSeconds
        && unit == p.unit
        && segmentByUser == p.segmentByUser
        && Objects.equals(lower(segmentProperty), lower(p.segmentProperty));
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        quota.stripTrailingZeros(), windowSeconds, unit, segmentByUser, lower(segmentProperty));
  }

  /** The header value. */
  @Override
  public String toString() {
    return headerValue();
  }

  private static @Nullable String lower(@Nullable String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static BigDecimal positive(BigDecimal quota) {
    if (quota.signum() <= 0) {
      throw new IllegalArgumentException(
          "a rate-limit quota must be positive, was " + quota.toPlainString());
    }
    return quota;
  }

  private static long parseSeconds(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // far beyond MAX_WINDOW: rejected with the window message
    }
  }

  private static long window(long seconds) {
    if (seconds < MIN_WINDOW.getSeconds() || seconds > MAX_WINDOW.getSeconds()) {
      throw new IllegalArgumentException(
          "a rate-limit window must be between 60 seconds and 365 days "
              + "(31536000 s), was "
              + (seconds == Long.MAX_VALUE ? "larger" : seconds + " s"));
    }
    return seconds;
  }

  /** The first half of a policy: a quota waiting for its window. */
  public static final class Quota {
    private final BigDecimal quota;
    private final Unit unit;

    private Quota(BigDecimal quota, Unit unit) {
      this.quota = quota;
      this.unit = unit;
    }

    /**
     * The policy allowing this quota per {@code window} (whole seconds, 60 s to 365 days), one
     * bucket for the whole organisation until segmented.
     */
    public RateLimitPolicy per(Duration window) {
      Objects.requireNonNull(window, "window must not be null");
      if (window.getNano() != 0) {
        throw new IllegalArgumentException(
            "a rate-limit window is a whole number of seconds, was " + window + "; round it");
      }
      return new RateLimitPolicy(quota, window(window.getSeconds()), unit, false, null);
    }
  }
}
