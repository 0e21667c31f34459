package dev.dspy4j.core.program;

import java.nio.file.Path;
import java.util.List;

/**
 * A predictor's saved field list does not fit the program's signature: DSPy saves one {@code
 * {prefix, description}} per field (inputs then outputs) and applies them by position, so a
 * different count means the file belongs to another signature.
 */
public final class SignatureMismatchException extends ProgramLoadException {

  private final String predictor;

  /** The saved fields of {@code predictor} ({@code found} of them) do not fit {@code fields}. */
  public SignatureMismatchException(Path path, String predictor, List<String> fields, int found) {
    super(
        path,
        "predictor '"
            + predictor
            + "' saves "
            + found
            + " field(s), but its signature has "
            + fields.size()
            + ": "
            + fields
            + " (inputs then outputs)");
    this.predictor = predictor;
  }

  /** The name of the predictor whose fields do not match. */
  public String predictor() {
    return predictor;
  }
}
