package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The server failed (HTTP 5xx, or an error event in the stream). Retryable. */
public class ServerException extends LmException {

  private static final long serialVersionUID = 1L;

  public ServerException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, true, requestId, retryAfter, serverMessage, cause);
  }
}
