package dev.dspy4j.core.lm;

/**
 * The LM answered with a function call that cannot be used: no function name, or arguments that are
 * not a JSON object (for a stream: once all of the call's argument pieces were put together). Not
 * retryable by the LM client; the message says which call and shows the start of its arguments.
 */
public class MalformedToolCallException extends LmException {

  private static final long serialVersionUID = 1L;

  public MalformedToolCallException(String message) {
    super(message);
  }
}
