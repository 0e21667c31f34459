package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The server rate-limited the call (HTTP 429). Retryable, after {@link #retryAfter()} when given.
 */
public class RateLimitException extends LmException {

  private static final long serialVersionUID = 1L;

  public RateLimitException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, true, requestId, retryAfter, serverMessage, cause);
  }
}
