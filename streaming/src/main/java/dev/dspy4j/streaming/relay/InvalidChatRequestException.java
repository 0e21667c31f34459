package dev.dspy4j.streaming.relay;

/**
 * A chat request body that cannot be used: not JSON, not the shape the AI SDK's chat transport
 * sends, too large, or without the message the input mapping needs. Its message says what was wrong
 * and is safe to send back to the client (it never quotes the body).
 */
public final class InvalidChatRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An invalid request, described by {@code message}. */
  public InvalidChatRequestException(String message) {
    super(message);
  }
}
