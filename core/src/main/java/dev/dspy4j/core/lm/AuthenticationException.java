package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The credentials were refused (HTTP 401 or 403). Not retryable: check the API key. */
public class AuthenticationException extends LmException {

  private static final long serialVersionUID = 1L;

  public AuthenticationException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, false, requestId, retryAfter, serverMessage, cause);
  }
}
