package dev.dspy4j.core.cache;

import dev.dspy4j.core.cache.internal.CanonicalRequest;
import dev.dspy4j.core.lm.LmRequest;
import java.util.Objects;

/**
 * The key of one cached LM answer: the lower-case hex SHA-256 of the canonical JSON of the model
 * and the effective request (see {@link #canonicalJson(String, LmRequest)} for exactly what is in
 * it). Two requests that would produce the same answer get the same key, whoever sends them and
 * through whichever endpoint; credentials and tracing headers never reach the key.
 *
 * @param value 64 lower-case hex digits
 */
public record CacheKey(String value) {

  /** Checks that {@code value} is 64 lower-case hex digits. */
  public CacheKey {
    Objects.requireNonNull(value, "value must not be null");
    if (!isHexSha256(value)) {
      throw new IllegalArgumentException(
          "a cache key is 64 lower-case hex digits (a SHA-256), was "
              + value.length()
              + " characters");
    }
  }

  /**
   * The key of {@code request} sent to {@code model}. Pass the effective request (the LM's defaults
   * merged under the per-call values), so that a default and an explicit equal value share a key.
   *
   * @throws IllegalArgumentException if the model is blank or an extra-body value cannot be written
   *     as JSON
   */
  public static CacheKey of(String model, LmRequest request) {
    return new CacheKey(CanonicalRequest.sha256Hex(model, request));
  }

  /**
   * The canonical JSON the key is the hash of: an object with sorted keys (at every depth) holding
   * {@code model}, {@code messages} (role and content), and when set {@code n}, {@code
   * temperature}, {@code max_tokens}, {@code stop}, {@code response_format}, {@code extra_body}
   * (without {@code api_key}, {@code api_base}, {@code base_url}), {@code rollout_id}, and {@code
   * headers} (names lower-cased) without credentials ({@code authorization}, {@code
   * proxy-authorization}, {@code api-key}, {@code x-api-key}, {@code cookie}) and without tracing
   * headers (every {@code helicone-*} header, {@code x-request-id}, {@code traceparent}, {@code
   * tracestate}, {@code baggage}). The per-call cache switch and the base URL are never part of it.
   */
  public static String canonicalJson(String model, LmRequest request) {
    return CanonicalRequest.json(model, request);
  }

  private static boolean isHexSha256(String value) {
    if (value.length() != 64) return false;
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  /** Only the first 12 hex digits: enough to tell keys apart in a log. */
  @Override
  public String toString() {
    return "CacheKey[" + value.substring(0, 12) + "]";
  }
}
