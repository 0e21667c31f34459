package dev.dspy4j.core.helicone;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own retries of 429 and 5xx answers ({@code Helicone-Retry-*} headers). Settings
 * left unset take the gateway's defaults: 5 retries, factor 2, 1 s minimum and 10 s maximum wait.
 *
 * <pre>{@code
 * GatewayRetry.enabled().retries(3).factor(2).minTimeout(Duration.ofSeconds(1)).maxTimeout(Duration.ofSeconds(8))
 * }</pre>
 *
 * <p>Immutable; every method returns a new value. (The LM's client-side retries, {@code
 * numRetries}, are separate and work against any endpoint.)
 */
public final class GatewayRetry {

  private final boolean enabled;
  private final @Nullable Integer retries;
  private final @Nullable BigDecimal factor;
  private final @Nullable Long minTimeoutMillis;
  private final @Nullable Long maxTimeoutMillis;

  private GatewayRetry(
      boolean enabled,
      @Nullable Integer retries,
      @Nullable BigDecimal factor,
      @Nullable Long minTimeoutMillis,
      @Nullable Long maxTimeoutMillis) {
    if (minTimeoutMillis != null
        && maxTimeoutMillis != null
        && minTimeoutMillis > maxTimeoutMillis) {
      throw new IllegalArgumentException(
          "the gateway retry minTimeout ("
              + minTimeoutMillis
              + " ms) must not exceed maxTimeout ("
              + maxTimeoutMillis
              + " ms)");
    }
    this.enabled = enabled;
    this.retries = retries;
    this.factor = factor;
    this.minTimeoutMillis = minTimeoutMillis;
    this.maxTimeoutMillis = maxTimeoutMillis;
  }

  /**
   * Gateway retries on, with the gateway's default settings: {@code Helicone-Retry-Enabled: true}.
   */
  public static GatewayRetry enabled() {
    return new GatewayRetry(true, null, null, null, null);
  }

  /**
   * Gateway retries explicitly off ({@code Helicone-Retry-Enabled: false}), overriding an outer
   * setting.
   */
  public static GatewayRetry disabled() {
    return new GatewayRetry(false, null, null, null, null);
  }

  /** How many times the gateway retries (1 to 20). */
  public GatewayRetry retries(int retries) {
    requireEnabled("retries");
    if (retries < 1 || retries > 20) {
      throw new IllegalArgumentException(
          "gateway retries must be between 1 and 20, was " + retries);
    }
    return new GatewayRetry(true, retries, factor, minTimeoutMillis, maxTimeoutMillis);
  }

  /** The exponential back-off factor (at least 1; 2 doubles the wait each time). */
  public GatewayRetry factor(double factor) {
    requireEnabled("factor");
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException(
          "the gateway retry factor must be a finite number >= 1, was " + factor);
    }
    return new GatewayRetry(
        true, retries, BigDecimal.valueOf(factor), minTimeoutMillis, maxTimeoutMillis);
  }

  /** The first (shortest) wait between attempts, in whole milliseconds. */
  public GatewayRetry minTimeout(Duration wait) {
    requireEnabled("minTimeout");
    return new GatewayRetry(true, retries, factor, millis("minTimeout", wait), maxTimeoutMillis);
  }

  /** The longest wait between attempts, in whole milliseconds. */
  public GatewayRetry maxTimeout(Duration wait) {
    requireEnabled("maxTimeout");
    return new GatewayRetry(true, retries, factor, minTimeoutMillis, millis("maxTimeout", wait));
  }

  /** True unless this is {@link #disabled()}. */
  public boolean isEnabled() {
    return enabled;
  }

  /** The headers for this setting, in a fixed order. */
  public Map<String, String> headers() {
    var h = new LinkedHashMap<String, String>();
    h.put(HeliconeHeaderNames.RETRY_ENABLED, Boolean.toString(enabled));
    if (retries != null) h.put(HeliconeHeaderNames.RETRY_NUM, retries.toString());
    if (factor != null)
      h.put(HeliconeHeaderNames.RETRY_FACTOR, factor.stripTrailingZeros().toPlainString());
    if (minTimeoutMillis != null)
      h.put(HeliconeHeaderNames.RETRY_MIN_TIMEOUT, minTimeoutMillis.toString());
    if (maxTimeoutMillis != null)
      h.put(HeliconeHeaderNames.RETRY_MAX_TIMEOUT, maxTimeoutMillis.toString());
    return h;
  }

  private void requireEnabled(String setting) {
    if (!enabled) {
      throw new IllegalArgumentException(
          "gateway retries are disabled; start from GatewayRetry.enabled() to set " + setting);
    }
  }

  private static long millis(String what, Duration wait) {
    Objects.requireNonNull(wait, what + " must not be null");
    if (wait.isNegative() || wait.isZero() || wait.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "the gateway retry "
              + what
              + " must be a positive whole number of milliseconds, was "
              + wait);
    }
    return wait.toMillis();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayRetry r && headers().equals(r.headers());
  }

  @Override
  public int hashCode() {
    return headers().hashCode();
  }

  @Override
  public String toString() {
    return "GatewayRetry" + headers();
  }
}
