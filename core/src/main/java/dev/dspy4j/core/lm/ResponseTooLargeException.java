package dev.dspy4j.core.lm;

import org.jspecify.annotations.Nullable;

/**
 * The server sent more than the client allows: an SSE line or event longer than the LM's line
 * limit, or a response body larger than its response limit. Not retryable (the same call would send
 * the same amount again): raise the limit on the LM if the response is legitimate.
 */
public class ResponseTooLargeException extends LmException {

  private static final long serialVersionUID = 1L;

  public ResponseTooLargeException(String message, int statusCode, @Nullable String requestId) {
    super(message, statusCode, false, requestId, null, null, null);
  }
}
