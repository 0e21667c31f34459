package dev.dspy4j.core.lm;

import org.jspecify.annotations.Nullable;

/**
 * A streamed completion stopped after text had already reached the subscriber: the connection was
 * lost, timed out or ended without {@code [DONE]} or a finish reason. Not retried transparently
 * (the subscriber has seen part of the answer); {@link #partialText()} holds what arrived.
 */
public class StreamInterruptedException extends LmException {

  private static final long serialVersionUID = 1L;

  private final String partialText;

  public StreamInterruptedException(
      String message,
      int statusCode,
      @Nullable String requestId,
      String partialText,
      @Nullable Throwable cause) {
    super(message, statusCode, false, requestId, null, null, cause);
    this.partialText = partialText;
  }

  /** The text of choice 0 received before the interruption. */
  public String partialText() {
    return partialText;
  }
}
