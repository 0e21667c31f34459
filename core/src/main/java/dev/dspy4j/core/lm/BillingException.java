package dev.dspy4j.core.lm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The account cannot pay for the call (HTTP 402, or insufficient credits). Not retryable. */
public class BillingException extends LmException {

  private static final long serialVersionUID = 1L;

  public BillingException(
      String message,
      int statusCode,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, statusCode, false, requestId, retryAfter, serverMessage, cause);
  }
}
