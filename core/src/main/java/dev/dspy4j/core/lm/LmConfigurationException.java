package dev.dspy4j.core.lm;

/**
 * The LM or the call is configured in a way the model cannot accept (for example a temperature
 * other than 1.0 for a reasoning model). Raised before any request is sent.
 */
public class LmConfigurationException extends LmException {

  private static final long serialVersionUID = 1L;

  public LmConfigurationException(String message) {
    super(message);
  }
}
