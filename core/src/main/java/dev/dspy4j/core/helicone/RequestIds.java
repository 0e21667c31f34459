package dev.dspy4j.core.helicone;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code Helicone-Request-Id} validation. The gateway keeps a client-chosen id only if it is a UUID
 * of version 1 to 5 with the RFC 4122 variant; anything else is silently replaced by a random id,
 * which would break a client that later looks its request up by that id.
 */
final class RequestIds {

  private static final Pattern GATEWAY_UUID =
      Pattern.compile(
          "^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
          Pattern.CASE_INSENSITIVE);

  private RequestIds() {}

  static boolean isValid(String id) {
    return GATEWAY_UUID.matcher(id).matches();
  }

  /** The id itself, or {@link IllegalArgumentException} saying what the gateway accepts. */
  static String requireValid(String id) {
    Objects.requireNonNull(id, "request id must not be null");
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "'"
              + HeliconeStrings.preview(id)
              + "' is not a valid "
              + HeliconeHeaderNames.REQUEST_ID
              + ": the gateway accepts only a UUID (8-4-4-4-12 hex digits, "
              + "version 1-5, e.g. UUID.randomUUID()) and silently replaces anything else");
    }
    return id;
  }
}
