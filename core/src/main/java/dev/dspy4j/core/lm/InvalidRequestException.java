package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The server rejected the request as invalid (HTTP 400, 404, 422 and other 4xx). Not retryable. */
public class InvalidRequestException extends LmException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, statusCode == 409, requestId, retryAfter, serverMessage, cause);
  }
}
