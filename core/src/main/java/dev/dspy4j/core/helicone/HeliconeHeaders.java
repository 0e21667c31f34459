package dev.dspy4j.core.helicone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A typed, validated set of Helicone request headers: for an LM's defaults
 * ({@code LM.builder(...).helicone(headers)}) and for a pipeline's Reactor Context
 * ({@code .contextWrite(Helicone.with(headers))}).
 *
 * <pre>{@code
 * HeliconeHeaders h = HeliconeHeaders.builder()
 *     .session(sessionId, "Customer Support", "/support/chat")
 *     .userId("user-123")
 *     .property("Environment", "production")
 *     .cache(CacheMode.READ_WRITE).cacheMaxAge(Duration.ofDays(1))
 *     .rateLimitPolicy(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser())
 *     .build();
 * h.toMap();   // {Helicone-Session-Id=..., Helicone-Session-Name=Customer Support, ...}
 * }</pre>
 *
 * <p>Every value is checked when it is set (no CR/LF/control characters, ASCII only, legal ranges),
 * so a mistake fails at the line that made it. Immutable and thread-safe; {@link #overriddenBy}
 * layers one set over another the way nested {@code contextWrite}s do.
 */
public final class HeliconeHeaders {

  private static final HeliconeHeaders EMPTY = new Builder().build();
  private static final long MAX_CACHE_AGE_SECONDS = Duration.ofDays(365).getSeconds();

  private final @Nullable String sessionId;
  private final @Nullable String sessionName;
  private final @Nullable String sessionPath;
  private final boolean sessionPathRelative;
  private final @Nullable String userId;
  private final Map<String, String> properties;
  private final @Nullable String requestId;
  private final @Nullable CacheMode cacheMode;
  private final @Nullable Long cacheMaxAgeSeconds;
  private final @Nullable Integer cacheBucketMaxSize;
  private final @Nullable String cacheSeed;
  private final @Nullable List<String> cacheIgnoreKeys;
  private final @Nullable GatewayRetry retry;
  private final @Nullable RateLimitPolicy rateLimitPolicy;
  private final @Nullable Boolean omitRequest;
  private final @Nullable Boolean omitResponse;
  private final @Nullable Boolean moderationsEnabled;
  private final @Nullable Boolean llmSecurityEnabled;
  private final @Nullable String posthogKey;
  private final @Nullable String posthogHost;

  private HeliconeHeaders(Builder b) {
    sessionId = b.sessionId;
    sessionName = b.sessionName;
    sessionPath = b.sessionPath;
    sessionPathRelative = b.sessionPathRelative;
    userId = b.userId;
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    requestId = b.requestId;
    cacheMode = b.cacheMode;
    cacheMaxAgeSeconds = b.cacheMaxAgeSeconds;
    cacheBucketMaxSize = b.cacheBucketMaxSize;
    cacheSeed = b.cacheSeed;
    cacheIgnoreKeys = b.cacheIgnoreKeys == null ? null : List.copyOf(b.cacheIgnoreKeys);
    retry = b.retry;
    rateLimitPolicy = b.rateLimitPolicy;
    omitRequest = b.omitRequest;
    omitResponse = b.omitResponse;
    moderationsEnabled = b.moderationsEnabled;
    llmSecurityEnabled = b.llmSecurityEnabled;
    posthogKey = b.posthogKey;
    posthogHost = b.posthogHost;
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
    b.sessionId = sessionId;
    b.sessionName = sessionName;
    b.sessionPath = sessionPath;
    b.sessionPathRelative = sessionPathRelative;
    b.userId = userId;
    b.properties.putAll(properties);
    b.requestId = requestId;
    b.cacheMode = cacheMode;
    b.cacheMaxAgeSeconds = cacheMaxAgeSeconds;
    b.cacheBucketMaxSize = cacheBucketMaxSize;
    b.cacheSeed = cacheSeed;
    b.cacheIgnoreKeys = cacheIgnoreKeys;
    b.retry = retry;
    b.rateLimitPolicy = rateLimitPolicy;
    b.omitRequest = omitRequest;
    b.omitResponse = omitResponse;
    b.moderationsEnabled = moderationsEnabled;
    b.llmSecurityEnabled = llmSecurityEnabled;
    b.posthogKey = posthogKey;
    b.posthogHost = posthogHost;
    return b;
  }

  /**
   * These headers with {@code inner} layered on top, as for a {@code contextWrite} closer to the
   * call: every value {@code inner} sets replaces this one; properties accumulate ({@code inner}
   * wins for the same name, ignoring case); a child path set with {@link Builder#childPath} is
   * appended to this session path ({@code /support/chat} + {@code answer} = {@code /support/chat/answer}),
   * while an absolute path replaces it.
   */
  public HeliconeHeaders overriddenBy(HeliconeHeaders inner) {
    Objects.requireNonNull(inner, "inner headers must not be null");
    if (inner.isEmpty()) return this;
    if (this.isEmpty()) return inner;
    var b = toBuilder();
    if (inner.sessionId != null) b.sessionId = inner.sessionId;
    if (inner.sessionName != null) b.sessionName = inner.sessionName;
    if (inner.sessionPath != null) {
      if (inner.sessionPathRelative && sessionPath != null) {
        b.sessionPath = SessionPaths.join(sessionPath, inner.sessionPath);
      } else {
        b.sessionPath = inner.sessionPath;
        b.sessionPathRelative = inner.sessionPathRelative;
      }
    }
    if (inner.userId != null) b.userId = inner.userId;
    inner.properties.forEach(b::putProperty);
    if (inner.requestId != null) b.requestId = inner.requestId;
    if (inner.cacheMode != null) b.cacheMode = inner.cacheMode;
    if (inner.cacheMaxAgeSeconds != null) b.cacheMaxAgeSeconds = inner.cacheMaxAgeSeconds;
    if (inner.cacheBucketMaxSize != null) b.cacheBucketMaxSize = inner.cacheBucketMaxSize;
    if (inner.cacheSeed != null) b.cacheSeed = inner.cacheSeed;
    if (inner.cacheIgnoreKeys != null) b.cacheIgnoreKeys = inner.cacheIgnoreKeys;
    if (inner.retry != null) b.retry = inner.retry;
    if (inner.rateLimitPolicy != null) b.rateLimitPolicy = inner.rateLimitPolicy;
    if (inner.omitRequest != null) b.omitRequest = inner.omitRequest;
    if (inner.omitResponse != null) b.omitResponse = inner.omitResponse;
    if (inner.moderationsEnabled != null) b.moderationsEnabled = inner.moderationsEnabled;
    if (inner.llmSecurityEnabled != null) b.llmSecurityEnabled = inner.llmSecurityEnabled;
    if (inner.posthogKey != null) b.posthogKey = inner.posthogKey;
    if (inner.posthogHost != null) b.posthogHost = inner.posthogHost;
    return b.build();
  }

  /**
   * The headers to send, in a fixed order: session, user, request id, properties, cache, retries,
   * rate limit, omit, moderation, security, PostHog. Unset values are left out. The cross-check of a
   * segmented rate-limit policy against the user id / property happens when the request's headers
   * are assembled ({@link Helicone#requestHeaders}), since those may come from another layer.
   */
  public Map<String, String> toMap() {
    var h = new LinkedHashMap<String, String>();
    putIfSet(h, HeliconeHeaderNames.SESSION_ID, sessionId);
    putIfSet(h, HeliconeHeaderNames.SESSION_NAME, sessionName);
    putIfSet(h, HeliconeHeaderNames.SESSION_PATH, sessionPath);
    putIfSet(h, HeliconeHeaderNames.USER_ID, userId);
    putIfSet(h, HeliconeHeaderNames.REQUEST_ID, requestId);
    properties.forEach((name, value) -> h.put(HeliconeHeaderNames.PROPERTY_PREFIX + name, value));
    if (cacheMode != null) h.put(cacheMode.header(), cacheMode.value());
    if (cacheMaxAgeSeconds != null) h.put(HeliconeHeaderNames.CACHE_CONTROL, "max-age=" + cacheMaxAgeSeconds);
    if (cacheBucketMaxSize != null) h.put(HeliconeHeaderNames.CACHE_BUCKET_MAX_SIZE, cacheBucketMaxSize.toString());
    putIfSet(h, HeliconeHeaderNames.CACHE_SEED, cacheSeed);
    if (cacheIgnoreKeys != null) h.put(HeliconeHeaderNames.CACHE_IGNORE_KEYS, String.join(",", cacheIgnoreKeys));
    if (retry != null) h.putAll(retry.headers());
    if (rateLimitPolicy != null) h.put(HeliconeHeaderNames.RATE_LIMIT_POLICY, rateLimitPolicy.headerValue());
    if (omitRequest != null) h.put(HeliconeHeaderNames.OMIT_REQUEST, omitRequest.toString());
    if (omitResponse != null) h.put(HeliconeHeaderNames.OMIT_RESPONSE, omitResponse.toString());
    if (moderationsEnabled != null) h.put(HeliconeHeaderNames.MODERATIONS_ENABLED, moderationsEnabled.toString());
    if (llmSecurityEnabled != null) h.put(HeliconeHeaderNames.LLM_SECURITY_ENABLED, llmSecurityEnabled.toString());
    putIfSet(h, HeliconeHeaderNames.POSTHOG_KEY, posthogKey);
    putIfSet(h, HeliconeHeaderNames.POSTHOG_HOST, posthogHost);
    return Collections.unmodifiableMap(h);
  }

  private static void putIfSet(Map<String, String> h, String name, @Nullable String value) {
    if (value != null) h.put(name, value);
  }

  /** True when no header is set. */
  public boolean isEmpty() {
    return toMap().isEmpty();
  }

  /** {@code Helicone-Session-Id}, if set. */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** {@code Helicone-Session-Name}, if set. */
  public Optional<String> sessionName() {
    return Optional.ofNullable(sessionName);
  }

  /** The normalised session path ({@code /a/b}); for a child path alone, relative to whatever it lands on. */
  public Optional<String> sessionPath() {
    return Optional.ofNullable(sessionPath);
  }

  /** True when the session path came from {@link Builder#childPath} with no absolute path below it. */
  boolean sessionPathIsRelative() {
    return sessionPath != null && sessionPathRelative;
  }

  /** {@code Helicone-User-Id}, if set. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /** Custom properties by name (without the {@code Helicone-Property-} prefix), in insertion order. */
  public Map<String, String> properties() {
    return properties;
  }

  /** {@code Helicone-Request-Id} (lower-case UUID), if set. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The gateway cache mode, if set. */
  public Optional<CacheMode> cacheMode() {
    return Optional.ofNullable(cacheMode);
  }

  /** {@code Helicone-RateLimit-Policy}, if set. */
  public Optional<RateLimitPolicy> rateLimitPolicy() {
    return Optional.ofNullable(rateLimitPolicy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeliconeHeaders h
        && toMap().equals(h.toMap())
        && sessionPathIsRelative() == h.sessionPathIsRelative();
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  /** The headers, with the PostHog key masked. */
  @Override
  public String toString() {
    var shown = new LinkedHashMap<>(toMap());
    shown.computeIfPresent(HeliconeHeaderNames.POSTHOG_KEY, (k, v) -> "***");
    return "HeliconeHeaders" + shown;
  }

  /** Mutable builder for {@link HeliconeHeaders}; every setter validates its argument at once. */
  public static final class Builder {
    private @Nullable String sessionId;
    private @Nullable String sessionName;
    private @Nullable String sessionPath;
    private boolean sessionPathRelative;
    private @Nullable String userId;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private @Nullable String requestId;
    private @Nullable CacheMode cacheMode;
    private @Nullable Long cacheMaxAgeSeconds;
    private @Nullable Integer cacheBucketMaxSize;
    private @Nullable String cacheSeed;
    private @Nullable List<String> cacheIgnoreKeys;
    private @Nullable GatewayRetry retry;
    private @Nullable RateLimitPolicy rateLimitPolicy;
    private @Nullable Boolean omitRequest;
    private @Nullable Boolean omitResponse;
    private @Nullable Boolean moderationsEnabled;
    private @Nullable Boolean llmSecurityEnabled;
    private @Nullable String posthogKey;
    private @Nullable String posthogHost;

    private Builder() {}

    /** Session id, name and path at once (the path is normalised: {@code support/chat} to {@code /support/chat}). */
    public Builder session(String id, String name, String path) {
      return sessionId(id).sessionName(name).sessionPath(path);
    }

    /** {@code Helicone-Session-Id}: groups requests into one session; a UUID is recommended. */
    public Builder sessionId(String id) {
      sessionId = HeliconeStrings.headerValue(HeliconeHeaderNames.SESSION_ID, id);
      return this;
    }

    /** {@code Helicone-Session-Name}: groups sessions in the dashboard, e.g. {@code Customer Support}. */
    public Builder sessionName(String name) {
      sessionName = HeliconeStrings.headerValue(HeliconeHeaderNames.SESSION_NAME, name);
      return this;
    }

    /**
     * {@code Helicone-Session-Path}: this request's place in the session tree. Normalised to start
     * with {@code /} and contain no {@code //}; replaces any path set before.
     */
    public Builder sessionPath(String path) {
      String normalised = SessionPaths.normalise(path);
      HeliconeStrings.headerValue(HeliconeHeaderNames.SESSION_PATH, normalised);
      sessionPath = normalised;
      sessionPathRelative = false;
      return this;
    }

    /**
     * Appends {@code /segment} to the session path; with no path yet, a path relative to whatever
     * these headers are layered over ({@code "/segment"} if nothing). {@code "a/b"} appends two segments.
     */
    public Builder childPath(String segment) {
      String child = SessionPaths.child(segment);
      HeliconeStrings.headerValue(HeliconeHeaderNames.SESSION_PATH, child);
      if (sessionPath == null) {
        sessionPath = child;
        sessionPathRelative = true;
      } else {
        sessionPath = SessionPaths.join(sessionPath, child);
      }
      return this;
    }

    /** {@code Helicone-User-Id}: per-user metrics and the {@code s=user} rate-limit segment. */
    public Builder userId(String id) {
      userId = HeliconeStrings.headerValue(HeliconeHeaderNames.USER_ID, id);
      return this;
    }

    /**
     * {@code Helicone-Property-<name>: value}, a custom property for filtering. The name may hold
     * ASCII letters, digits, {@code _} and {@code -}; a second value for the same name (ignoring
     * case) replaces the first.
     */
    public Builder property(String name, String value) {
      HeliconeStrings.propertyName(name);
      HeliconeStrings.headerValue(HeliconeHeaderNames.PROPERTY_PREFIX + name, value);
      putProperty(name, value);
      return this;
    }

    /** Adds every entry as a {@link #property(String, String)}, in the map's order. */
    public Builder properties(Map<String, String> properties) {
      Objects.requireNonNull(properties, "properties must not be null").forEach(this::property);
      return this;
    }

    private void putProperty(String name, String value) {
      properties.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      properties.put(name, value);
    }

    /**
     * {@code Helicone-Request-Id}: the id the gateway logs this request under. Must be a UUID of
     * version 1 to 5 ({@link UUID#randomUUID()} is version 4); the gateway silently replaces
     * anything else. Set it for a single call only: two requests must not share an id.
     */
    public Builder requestId(UUID id) {
      Objects.requireNonNull(id, "request id must not be null");
      requestId = RequestIds.requireValid(id.toString());
      return this;
    }

    /** {@link #requestId(UUID)} from its text form (8-4-4-4-12 hex digits, version 1 to 5). */
    public Builder requestId(String id) {
      requestId = RequestIds.requireValid(id).toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /** The gateway's response cache: on, off, save-only or read-only. */
    public Builder cache(CacheMode mode) {
      cacheMode = Objects.requireNonNull(mode, "cache mode must not be null");
      return this;
    }

    /** {@code true}: {@link CacheMode#READ_WRITE}; {@code false}: {@link CacheMode#OFF}. */
    public Builder cacheEnabled(boolean enabled) {
      return cache(enabled ? CacheMode.READ_WRITE : CacheMode.OFF);
    }

    /** {@code Cache-Control: max-age=N}: how long a cached answer lives (whole seconds, up to 365 days). */
    public Builder cacheMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "cache max age must not be null");
      if (maxAge.getNano() != 0 || maxAge.getSeconds() < 1 || maxAge.getSeconds() > MAX_CACHE_AGE_SECONDS) {
        throw new IllegalArgumentException("the gateway cache max age must be a whole number of seconds "
            + "between 1 s and 365 days, was " + maxAge);
      }
      cacheMaxAgeSeconds = maxAge.getSeconds();
      return this;
    }

    /** {@code Helicone-Cache-Bucket-Max-Size}: 1 to 20 cached answers per key. */
    public Builder cacheBucketMaxSize(int size) {
      if (size < 1 || size > 20) {
        throw new IllegalArgumentException("the cache bucket max size must be between 1 and 20, was " + size);
      }
      cacheBucketMaxSize = size;
      return this;
    }

    /** {@code Helicone-Cache-Seed}: a separate cache namespace. */
    public Builder cacheSeed(String seed) {
      cacheSeed = HeliconeStrings.headerValue(HeliconeHeaderNames.CACHE_SEED, seed);
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
              "a cache ignore key must be a non-blank body key without ',', was '" + HeliconeStrings.preview(key) + "'");
        }
        HeliconeStrings.headerValue(HeliconeHeaderNames.CACHE_IGNORE_KEYS, key);
        copy.add(key);
      }
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("give at least one cache ignore key");
      }
      cacheIgnoreKeys = copy;
      return this;
    }

    /** {@link #cacheIgnoreKeys(List)} from varargs. */
    public Builder cacheIgnoreKeys(String... keys) {
      return cacheIgnoreKeys(List.of(keys));
    }

    /** The gateway's own retries of 429/5xx ({@code Helicone-Retry-*}). */
    public Builder retry(GatewayRetry retry) {
      this.retry = Objects.requireNonNull(retry, "retry must not be null");
      return this;
    }

    /** {@code Helicone-RateLimit-Policy} (the real spelling; {@code Rate-Limit} is silently ignored). */
    public Builder rateLimitPolicy(RateLimitPolicy policy) {
      rateLimitPolicy = Objects.requireNonNull(policy, "rate-limit policy must not be null");
      return this;
    }

    /** {@code Helicone-Omit-Request}: do not log the request body. */
    public Builder omitRequest(boolean omit) {
      omitRequest = omit;
      return this;
    }

    /** {@code Helicone-Omit-Response}: do not log the response body. */
    public Builder omitResponse(boolean omit) {
      omitResponse = omit;
      return this;
    }

    /** {@code Helicone-Moderations-Enabled}: moderation checks on the input. */
    public Builder moderationsEnabled(boolean enabled) {
      moderationsEnabled = enabled;
      return this;
    }

    /**
     * {@code Helicone-LLM-Security-Enabled}: prompt-threat checks (a threat is answered with 400,
     * code {@code PROMPT_THREAT_DETECTED}).
     */
    public Builder llmSecurityEnabled(boolean enabled) {
      llmSecurityEnabled = enabled;
      return this;
    }

    /** {@code Helicone-Posthog-Key}: forward events to PostHog with this project key (masked in {@code toString}). */
    public Builder posthogKey(String key) {
      posthogKey = HeliconeStrings.headerValue(HeliconeHeaderNames.POSTHOG_KEY, key);
      return this;
    }

    /** {@code Helicone-Posthog-Host}: a self-hosted PostHog, e.g. {@code https://posthog.example.com}. */
    public Builder posthogHost(String host) {
      posthogHost = HeliconeStrings.headerValue(HeliconeHeaderNames.POSTHOG_HOST, host);
      return this;
    }

    /** The immutable headers; the builder may be reused afterwards without affecting them. */
    public HeliconeHeaders build() {
      return new HeliconeHeaders(this);
    }
  }
}
