package dev.dspy4j.core.helicone;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.ratelimit.internal.RateLimitHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the Helicone gateway said about a response, read from its response headers. Every field is
 * empty when the header was absent (another endpoint, a client-cache hit) or malformed; the raw
 * headers stay available on {@link LmResponse#headers()}.
 *
 * @param requestId the gateway's id for the request ({@link Headers#requestId()}: {@code
 *     Helicone-Id}, else {@code Helicone-Request-Id}, else the provider's {@code x-request-id})
 * @param status {@code Helicone-Status}
 * @param cacheStatus {@code Helicone-Cache: HIT|MISS}
 * @param cacheBucketIndex {@code Helicone-Cache-Bucket-Idx}: which of the bucket's cached answers
 *     was served
 * @param rateLimit the {@code Helicone-RateLimit-*} headers, when any was sent
 * @param rateLimitedByGateway true when the gateway itself refused the call ({@code
 *     X-Helicone-Error: rate_limited})
 */
public record HeliconeMetadata(
    Optional<String> requestId,
    Optional<String> status,
    Optional<CacheStatus> cacheStatus,
    OptionalInt cacheBucketIndex,
    Optional<RateLimitStatus> rateLimit,
    boolean rateLimitedByGateway) {

  /** Rejects null components; use empty optionals for absent values. */
  public HeliconeMetadata {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cacheStatus, "cacheStatus");
    Objects.requireNonNull(cacheBucketIndex, "cacheBucketIndex");
    Objects.requireNonNull(rateLimit, "rateLimit");
  }

  /** The metadata of this response. */
  public static HeliconeMetadata from(LmResponse response) {
    Objects.requireNonNull(response, "response must not be null");
    return from(response.headers());
  }

  /** The metadata in these response headers (names compared ignoring case). */
  public static HeliconeMetadata from(Map<String, String> responseHeaders) {
    Objects.requireNonNull(responseHeaders, "responseHeaders must not be null");
    return from(Headers.of(responseHeaders));
  }

  /**
   * The metadata in these response headers. The request id is {@link Headers#requestId()}, the one
   * request-id lookup; the rate-limit headers are read by the one rate-limit header parser, which
   * reads {@code Helicone-RateLimit-Reset} as seconds until the window resets.
   */
  public static HeliconeMetadata from(Headers h) {
    Objects.requireNonNull(h, "responseHeaders must not be null");
    Optional<CacheStatus> cache =
        text(h, HeliconeHeaderNames.CACHE)
            .flatMap(
                v ->
                    switch (v.toUpperCase(Locale.ROOT)) {
                      case "HIT" -> Optional.of(CacheStatus.HIT);
                      case "MISS" -> Optional.of(CacheStatus.MISS);
                      default -> Optional.empty();
                    });
    OptionalLong bucket = RateLimitHeaders.count(h, HeliconeHeaderNames.CACHE_BUCKET_INDEX);
    OptionalInt bucketIndex =
        bucket.isPresent() && bucket.getAsLong() >= 0 && bucket.getAsLong() <= Integer.MAX_VALUE
            ? OptionalInt.of((int) bucket.getAsLong())
            : OptionalInt.empty();
    OptionalLong resetSeconds =
        RateLimitHeaders.heliconeReset(h)
            .map(d -> OptionalLong.of((d.toMillis() + 999) / 1000))
            .orElse(OptionalLong.empty());
    var rate =
        new RateLimitStatus(
            RateLimitHeaders.count(h, HeliconeHeaderNames.RATE_LIMIT_LIMIT),
            RateLimitHeaders.count(h, HeliconeHeaderNames.RATE_LIMIT_REMAINING),
            resetSeconds,
            text(h, HeliconeHeaderNames.RATE_LIMIT_POLICY));
    boolean anyRate =
        rate.limit().isPresent()
            || rate.remaining().isPresent()
            || rate.resetSeconds().isPresent()
            || rate.policy().isPresent();
    boolean limited =
        text(h, HeliconeHeaderNames.ERROR)
            .map(v -> v.equalsIgnoreCase("rate_limited"))
            .orElse(false);
    return new HeliconeMetadata(
        h.requestId(),
        text(h, HeliconeHeaderNames.STATUS),
        cache,
        bucketIndex,
        anyRate ? Optional.of(rate) : Optional.empty(),
        limited);
  }

  /** True when the gateway answered from its cache. */
  public boolean cacheHit() {
    return cacheStatus.filter(s -> s == CacheStatus.HIT).isPresent();
  }

  private static Optional<String> text(Headers h, String name) {
    return h.value(name).map(String::trim).filter(v -> !v.isEmpty());
  }
}
