package dev.dspy4j.core.predict;

/**
 * A prompt did not fit the model's context window, even after {@link ReAct} dropped the oldest tool
 * calls of its trajectory (DSPy's {@code ContextWindowExceededError}).
 */
public class ContextWindowExceededException extends RuntimeException {

  public ContextWindowExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
