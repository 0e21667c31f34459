package dev.dspy4j.kafka;

/**
 * An input record the runner cannot turn into module inputs: no value, not JSON, or JSON that is
 * not an object. Its simple name is the {@code error.type} of the failure record. *
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class InvalidInputException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  InvalidInputException(String message) {
    super(message);
  }
}
