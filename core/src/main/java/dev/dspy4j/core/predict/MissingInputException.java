package dev.dspy4j.core.predict;

import java.util.List;

/** A module was called without a required input field. Signalled before any LM call. */
public class MissingInputException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> missing;

  /**
   * @param missing the names of the missing input fields
   * @param expected all input field names of the signature
   * @param given the names that were given
   */
  public MissingInputException(
      List<String> missing, List<String> expected, java.util.Collection<String> given) {
    super(
        "missing input field(s) "
            + missing
            + ": the signature's inputs are "
            + expected
            + ", the call gave "
            + given
            + "; pass a value for every input (an Optional[...] input may be left out)");
    this.missing = List.copyOf(missing);
  }

  /** The names of the missing input fields. */
  public List<String> missing() {
    return missing;
  }
}
