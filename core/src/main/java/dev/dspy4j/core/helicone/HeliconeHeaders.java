package dev.dspy4j.core.helicone;

import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_BUCKET_MAX_SIZE;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_CONTROL;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_ENABLED;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_IGNORE_KEYS;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_READ;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_SAVE;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.CACHE_SEED;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.LLM_SECURITY_ENABLED;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.MODERATIONS_ENABLED;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.OMIT_REQUEST;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.OMIT_RESPONSE;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.POSTHOG_HOST;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.POSTHOG_KEY;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.PROPERTY_PREFIX;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RATE_LIMIT_POLICY;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.REQUEST_ID;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RETRY_ENABLED;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RETRY_FACTOR;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RETRY_MAX_TIMEOUT;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RETRY_MIN_TIMEOUT;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.RETRY_NUM;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.SESSION_ID;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.SESSION_NAME;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.SESSION_PATH;
import static dev.dspy4j.core.helicone.HeliconeHeaderNames.USER_ID;

import dev.dspy4j.core.http.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A typed, validated set of Helicone request headers: for an LM's defaults ({@code
 * LM.builder(...).helicone(headers)}) and for a pipeline's Reactor Context ({@code
 * .contextWrite(Helicone.with(headers))}).
 *
 * <pre>{@code
 * HeliconeHeaders h = HeliconeHeaders.builder()
 *     .session(sessionId, "Customer Support", "/support/chat")
 *     .userId("user-123")
 *     .property("Environment", "production")
 *     .cache(CacheMode.READ_WRITE).cacheMaxAge(Duration.ofDays(1))
 *     .rateLimitPolicy(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser())
 *     .build();
 * h.toHeaders();   // Headers[Helicone-Session-Id, Helicone-Session-Name, ...]
 * }</pre>
 *
 * <p>Every value is checked when it is set (no CR/LF/control characters, ASCII only, legal ranges),
 * so a mistake fails at the line that made it. Immutable and thread-safe; {@link #overriddenBy}
 * layers one set over another the way nested {@code contextWrite}s do.
 *
 * <p>Each typed value is held once, as the header it is sent as ({@link #toHeaders()}); the typed
 * getters read it back from there.
 */
public final class HeliconeHeaders {

  private static final long MAX_CACHE_AGE_SECONDS = Duration.ofDays(365).getSeconds();

  /**
   * The order headers are sent in; properties take the {@code PROPERTY_PREFIX} slot, in the order
   * they were set. Headers of one group are set and replaced together.
   */
  private static final List<String> ORDER =
      List.of(
          SESSION_ID,
          SESSION_NAME,
          SESSION_PATH,
          USER_ID,
          REQUEST_ID,
          PROPERTY_PREFIX,
          CACHE_ENABLED,
          CACHE_SAVE,
          CACHE_READ,
          CACHE_CONTROL,
          CACHE_BUCKET_MAX_SIZE,
          CACHE_SEED,
          CACHE_IGNORE_KEYS,
          RETRY_ENABLED,
          RETRY_NUM,
          RETRY_FACTOR,
          RETRY_MIN_TIMEOUT,
          RETRY_MAX_TIMEOUT,
          RATE_LIMIT_POLICY,
          OMIT_REQUEST,
          OMIT_RESPONSE,
          MODERATIONS_ENABLED,
          LLM_SECURITY_ENABLED,
          POSTHOG_KEY,
          POSTHOG_HOST);

  private static final List<String> CACHE_MODE_GROUP =
      List.of(CACHE_ENABLED, CACHE_SAVE, CACHE_READ);
  private static final List<String> RETRY_GROUP =
      List.of(RETRY_ENABLED, RETRY_NUM, RETRY_FACTOR, RETRY_MIN_TIMEOUT, RETRY_MAX_TIMEOUT);
  private static final HeliconeHeaders EMPTY = new Builder().build();

  private final Headers headers;
  private final boolean sessionPathRelative;

  private HeliconeHeaders(Headers headers, boolean sessionPathRelative) {
    this.headers = headers;
    this.sessionPathRelative = sessionPathRelative;
  }

  /** No headers at all. */
  public static HeliconeHeaders empty() {
    return EMPTY;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these headers. */
  public Builder toBuilder() {
    var b = new Builder();
    headers.forEach(b.values::put);
    b.sessionPathRelative = sessionPathRelative;
    return b;
  }

  /**
   * These headers with {@code inner} layered on top, as for a {@code contextWrite} closer to the
   * call: every value {@code inner} sets replaces this one; properties accumulate ({@code inner}
   * wins for the same name, ignoring case); a child path set with {@link Builder#childPath} is
   * appended to this session path ({@code /support/chat} + {@code answer} = {@code
   * /support/chat/answer}), while an absolute path replaces it.
   */
  public HeliconeHeaders overriddenBy(HeliconeHeaders inner) {
    Objects.requireNonNull(inner, "inner headers must not be null");
    if (inner.isEmpty()) return this;
    if (this.isEmpty()) return inner;
    var b = toBuilder();
    for (List<String> group : List.of(CACHE_MODE_GROUP, RETRY_GROUP)) {
      if (group.stream().anyMatch(inner.headers::contains)) group.forEach(b.values::remove);
    }
    String outerPath = headers.get(SESSION_PATH);
    inner.headers.forEach(
        (name, value) -> {
          if (name.equals(SESSION_PATH)) {
            if (inner.sessionPathRelative && outerPath != null) {
              b.values.put(SESSION_PATH, SessionPaths.join(outerPath, value));
            } else {
              b.values.put(SESSION_PATH, value);
              b.sessionPathRelative = inner.sessionPathRelative;
            }
          } else if (isProperty(name)) {
            b.putProperty(name.substring(PROPERTY_PREFIX.length()), value);
          } else {
            b.values.put(name, value);
          }
        });
    return b.build();
  }

  /**
   * The headers to send, in a fixed order: session, user, request id, properties, cache, retries,
   * rate limit, omit, moderation, security, PostHog. Unset values are left out. The cross-check of
   * a segmented rate-limit policy against the user id / property happens when the request's headers
   * are assembled ({@link Helicone#requestHeaders}), since those may come from another layer.
   */
  public Headers toHeaders() {
    return headers;
  }

  /** {@link #toHeaders()} as an unmodifiable map, in the same order. */
  public Map<String, String> toMap() {
    return headers.asMap();
  }

  /** True when no header is set. */
  public boolean isEmpty() {
    return headers.isEmpty();
  }

  /** {@code Helicone-Session-Id}, if set. */
  public Optional<String> sessionId() {
    return headers.value(SESSION_ID);
  }

  /** {@code Helicone-Session-Name}, if set. */
  public Optional<String> sessionName() {
    return headers.value(SESSION_NAME);
  }

  /**
   * The normalised session path ({@code /a/b}); for a child path alone, relative to whatever it
   * lands on.
   */
  public Optional<String> sessionPath() {
    return headers.value(SESSION_PATH);
  }

  /**
   * True when the session path came from {@link Builder#childPath} with no absolute path below it.
   */
  boolean sessionPathIsRelative() {
    return sessionPathRelative && headers.contains(SESSION_PATH);
  }

  /** {@code Helicone-User-Id}, if set. */
  public Optional<String> userId() {
    return headers.value(USER_ID);
  }

  /**
   * Custom properties by name (without the {@code Helicone-Property-} prefix), in insertion order.
   */
  public Map<String, String> properties() {
    var properties = new LinkedHashMap<String, String>();
    headers.forEach(
        (name, value) -> {
          if (isProperty(name)) properties.put(name.substring(PROPERTY_PREFIX.length()), value);
        });
    return Collections.unmodifiableMap(properties);
  }

  /** {@code Helicone-Request-Id} (lower-case UUID), if set. */
  public Optional<String> requestId() {
    return headers.value(REQUEST_ID);
  }

  /** The gateway cache mode, if set. */
  public Optional<CacheMode> cacheMode() {
    for (CacheMode mode : CacheMode.values()) {
      if (mode.value().equals(headers.get(mode.header()))) return Optional.of(mode);
    }
    return Optional.empty();
  }

  /** {@code Helicone-RateLimit-Policy}, if set. */
  public Optional<RateLimitPolicy> rateLimitPolicy() {
    return headers.value(RATE_LIMIT_POLICY).map(RateLimitPolicy::parse);
  }

  private static boolean isProperty(String name) {
    return name.startsWith(PROPERTY_PREFIX);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeliconeHeaders h
        && headers.equals(h.headers)
        && sessionPathIsRelative() == h.sessionPathIsRelative();
  }

  @Override
  public int hashCode() {
    return headers.hashCode();
  }

  /** The headers, with the PostHog key masked. */
  @Override
  public String toString() {
    var shown = new LinkedHashMap<>(headers.asMap());
    shown.computeIfPresent(POSTHOG_KEY, (k, v) -> "***");
    return "HeliconeHeaders" + shown;
  }

  /** Mutable builder for {@link HeliconeHeaders}; every setter validates its argument at once. */
  public static final class Builder {
    /** Header name to value; ordered when built. */
    private final Map<String, String> values = new LinkedHashMap<>();

    private boolean sessionPathRelative;

    private Builder() {}

    /**
     * Session id, name and path at once (the path is normalised: {@code support/chat} to {@code
     * /support/chat}).
     */
    public Builder session(String id, String name, String path) {
      return sessionId(id).sessionName(name).sessionPath(path);
    }

    /** {@code Helicone-Session-Id}: groups requests into one session; a UUID is recommended. */
    public Builder sessionId(String id) {
      values.put(SESSION_ID, HeliconeStrings.headerValue(SESSION_ID, id));
      return this;
    }

    /**
     * {@code Helicone-Session-Name}: groups sessions in the dashboard, e.g. {@code Customer
     * Support}.
     */
    public Builder sessionName(String name) {
      values.put(SESSION_NAME, HeliconeStrings.headerValue(SESSION_NAME, name));
      return this;
    }

    /**
     * {@code Helicone-Session-Path}: this request's place in the session tree. Normalised to start
     * with {@code /} and contain no {@code //}; replaces any path set before.
     */
    public Builder sessionPath(String path) {
      String normalised = SessionPaths.normalise(path);
      values.put(SESSION_PATH, HeliconeStrings.headerValue(SESSION_PATH, normalised));
      sessionPathRelative = false;
      return this;
    }

    /**
     * Appends {@code /segment} to the session path; with no path yet, a path relative to whatever
     * these headers are layered over ({@code "/segment"} if nothing). {@code "a/b"} appends two
     * segments.
     */
    public Builder childPath(String segment) {
      String child = SessionPaths.child(segment);
      HeliconeStrings.headerValue(SESSION_PATH, child);
      String sessionPath = values.get(SESSION_PATH);
      if (sessionPath == null) {
        values.put(SESSION_PATH, child);
        sessionPathRelative = true;
      } else {
        values.put(SESSION_PATH, SessionPaths.join(sessionPath, child));
      }
      return this;
    }

    /** {@code Helicone-User-Id}: per-user metrics and the {@code s=user} rate-limit segment. */
    public Builder userId(String id) {
      values.put(USER_ID, HeliconeStrings.headerValue(USER_ID, id));
      return this;
    }

    /**
     * {@code Helicone-Property-<name>: value}, a custom property for filtering. The name may hold
     * ASCII letters, digits, {@code _} and {@code -}; a second value for the same name (ignoring
     * case) replaces the first.
     */
    public Builder property(String name, String value) {
      HeliconeStrings.propertyName(name);
      HeliconeStrings.headerValue(PROPERTY_PREFIX + name, value);
      putProperty(name, value);
      return this;
    }

    /** Adds every entry as a {@link #property(String, String)}, in the map's order. */
    public Builder properties(Map<String, String> properties) {
      Objects.requireNonNull(properties, "properties must not be null").forEach(this::property);
      return this;
    }

    /**
     * Sets property {@code name}, dropping one of the same name in another letter case; it goes
     * last.
     */
    private void putProperty(String name, String value) {
      values.keySet().removeIf(existing -> existing.equalsIgnoreCase(PROPERTY_PREFIX + name));
      values.put(PROPERTY_PREFIX + name, value);
    }

    /**
     * {@code Helicone-Request-Id}: the id the gateway logs this request under. Must be a UUID of
     * version 1 to 5 ({@link UUID#randomUUID()} is version 4); the gateway silently replaces
     * anything else. Set it for a single call only: two requests must not share an id.
     */
    public Builder requestId(UUID id) {
      Objects.requireNonNull(id, "request id must not be null");
      values.put(REQUEST_ID, RequestIds.requireValid(id.toString()));
      return this;
    }

    /** {@link #requestId(UUID)} from its text form (8-4-4-4-12 hex digits, version 1 to 5). */
    public Builder requestId(String id) {
      values.put(REQUEST_ID, RequestIds.requireValid(id).toLowerCase(Locale.ROOT));
      return this;
    }

    /** The gateway's response cache: on, off, save-only or read-only. */
    public Builder cache(CacheMode mode) {
      Objects.requireNonNull(mode, "cache mode must not be null");
      CACHE_MODE_GROUP.forEach(values::remove);
      values.put(mode.header(), mode.value());
      return this;
    }

    /** {@code true}: {@link CacheMode#READ_WRITE}; {@code false}: {@link CacheMode#OFF}. */
    public Builder cacheEnabled(boolean enabled) {
      return cache(enabled ? CacheMode.READ_WRITE : CacheMode.OFF);
    }

    /**
     * {@code Cache-Control: max-age=N}: how long a cached answer lives (whole seconds, up to 365
     * days).
     */
    public Builder cacheMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "cache max age must not be null");
      if (maxAge.getNano() != 0
          || maxAge.getSeconds() < 1
          || maxAge.getSeconds() > MAX_CACHE_AGE_SECONDS) {
        throw new IllegalArgumentException(
            "the gateway cache max age must be a whole number of seconds "
                + "between 1 s and 365 days, was "
                + maxAge);
      }
      values.put(CACHE_CONTROL, "max-age=" + maxAge.getSeconds());
      return this;
    }

    /** {@code Helicone-Cache-Bucket-Max-Size}: 1 to 20 cached answers per key. */
    public Builder cacheBucketMaxSize(int size) {
      if (size < 1 || size > 20) {
        throw new IllegalArgumentException(
            "the cache bucket max size must be between 1 and 20, was " + size);
      }
      values.put(CACHE_BUCKET_MAX_SIZE, Integer.toString(size));
      return this;
    }

    /** {@code Helicone-Cache-Seed}: a separate cache namespace. */
    public Builder cacheSeed(String seed) {
      values.put(CACHE_SEED, HeliconeStrings.headerValue(CACHE_SEED, seed));
      return this;
    }

    /** {@code Helicone-Cache-Ignore-Keys}: top-level body keys left out of the cache key. */
    public Builder cacheIgnoreKeys(List<String> keys) {
      Objects.requireNonNull(keys, "cache ignore keys must not be null");
      var copy = new ArrayList<String>(keys.size());
      for (String key : keys) {
        Objects.requireNonNull(key, "cache ignore keys must not contain null");
        if (key.isBlank() || key.contains(",")) {
          throw new IllegalArgumentException(
              "a cache ignore key must be a non-blank body key without ',', was '"
                  + HeliconeStrings.preview(key)
                  + "'");
        }
        HeliconeStrings.headerValue(CACHE_IGNORE_KEYS, key);
        copy.add(key);
      }
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("give at least one cache ignore key");
      }
      values.put(CACHE_IGNORE_KEYS, String.join(",", copy));
      return this;
    }

    /** {@link #cacheIgnoreKeys(List)} from varargs. */
    public Builder cacheIgnoreKeys(String... keys) {
      return cacheIgnoreKeys(List.of(keys));
    }

    /** The gateway's own retries of 429/5xx ({@code Helicone-Retry-*}). */
    public Builder retry(GatewayRetry retry) {
      Objects.requireNonNull(retry, "retry must not be null");
      RETRY_GROUP.forEach(values::remove);
      values.putAll(retry.headers());
      return this;
    }

    /**
     * {@code Helicone-RateLimit-Policy} (the real spelling; {@code Rate-Limit} is silently
     * ignored).
     */
    public Builder rateLimitPolicy(RateLimitPolicy policy) {
      values.put(
          RATE_LIMIT_POLICY,
          Objects.requireNonNull(policy, "rate-limit policy must not be null").headerValue());
      return this;
    }

    /** {@code Helicone-Omit-Request}: do not log the request body. */
    public Builder omitRequest(boolean omit) {
      values.put(OMIT_REQUEST, Boolean.toString(omit));
      return this;
    }

    /** {@code Helicone-Omit-Response}: do not log the response body. */
    public Builder omitResponse(boolean omit) {
      values.put(OMIT_RESPONSE, Boolean.toString(omit));
      return this;
    }

    /** {@code Helicone-Moderations-Enabled}: moderation checks on the input. */
    public Builder moderationsEnabled(boolean enabled) {
      values.put(MODERATIONS_ENABLED, Boolean.toString(enabled));
      return this;
    }

    /**
     * {@code Helicone-LLM-Security-Enabled}: prompt-threat checks (a threat is answered with 400,
     * code {@code PROMPT_THREAT_DETECTED}).
     */
    public Builder llmSecurityEnabled(boolean enabled) {
      values.put(LLM_SECURITY_ENABLED, Boolean.toString(enabled));
      return this;
    }

    /**
     * {@code Helicone-Posthog-Key}: forward events to PostHog with this project key (masked in
     * {@code toString}).
     */
    public Builder posthogKey(String key) {
      values.put(POSTHOG_KEY, HeliconeStrings.headerValue(POSTHOG_KEY, key));
      return this;
    }

    /**
     * {@code Helicone-Posthog-Host}: a self-hosted PostHog, e.g. {@code
     * https://posthog.example.com}.
     */
    public Builder posthogHost(String host) {
      values.put(POSTHOG_HOST, HeliconeStrings.headerValue(POSTHOG_HOST, host));
      return this;
    }

    /** The immutable headers; the builder may be reused afterwards without affecting them. */
    public HeliconeHeaders build() {
      var entries = new ArrayList<>(values.entrySet());
      entries.sort(Comparator.comparingInt(e -> rank(e.getKey())));
      var headers = Headers.builder();
      entries.forEach(e -> headers.set(e.getKey(), e.getValue()));
      return new HeliconeHeaders(
          headers.build(), sessionPathRelative && values.containsKey(SESSION_PATH));
    }

    private static int rank(String name) {
      int i = ORDER.indexOf(name);
      return i >= 0 ? i : ORDER.indexOf(PROPERTY_PREFIX);
    }
  }
}
