package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The connection failed (refused, reset, DNS, TLS) before a complete response. Retryable. */
public class ConnectionException extends LmException {

  private static final long serialVersionUID = 1L;

  public ConnectionException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, true, requestId, retryAfter, serverMessage, cause);
  }
}
