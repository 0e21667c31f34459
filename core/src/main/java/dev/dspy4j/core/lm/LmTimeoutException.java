package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A timeout: the server answered 408, or no connection, first byte or next chunk arrived in time.
 * Retryable.
 */
public class LmTimeoutException extends LmException {

  private static final long serialVersionUID = 1L;

  public LmTimeoutException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, true, requestId, retryAfter, serverMessage, cause);
  }
}
