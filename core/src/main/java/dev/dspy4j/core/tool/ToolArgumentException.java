package dev.dspy4j.core.tool;

/**
 * The arguments an LM gave a {@link Tool} do not fit it: an unknown argument, a value its schema
 * rejects, a missing argument. The message is DSPy's ({@code Arg k is invalid: ...}); an agent
 * shows it to the LM as the observation.
 */
public class ToolArgumentException extends IllegalArgumentException {

  public ToolArgumentException(String message) {
    super(message);
  }
}
