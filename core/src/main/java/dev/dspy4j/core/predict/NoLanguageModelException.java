package dev.dspy4j.core.predict;

/**
 * A module was called with no LM to run on: none set with {@code withLm(lm)}, none in the Reactor
 * Context ({@code Dspy.withLm}) and no process default ({@code Dspy.configure}).
 */
public class NoLanguageModelException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** An error for the module described by {@code module}. */
  public NoLanguageModelException(String module) {
    super(
        "no language model for "
            + module
            + ": call Dspy.configure(lm) once, add .contextWrite(Dspy.withLm(lm))"
            + " to the pipeline, or use module.withLm(lm)");
  }
}
