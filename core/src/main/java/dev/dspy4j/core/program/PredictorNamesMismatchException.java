package dev.dspy4j.core.program;

import java.nio.file.Path;
import java.util.List;

/**
 * The file's predictors are not the program's: some of the program's named predictors have no state
 * in the file ({@link #missing()}), or the file has states for predictors the program does not have
 * ({@link #extra()}). Usually the Java program's fields are named or nested differently from the
 * Python program's; see {@code namedPredictors()} and {@link DspyName}.
 */
public final class PredictorNamesMismatchException extends ProgramLoadException {

  private final List<String> missing;
  private final List<String> extra;

  /** The program's names not in the file, and the file's names not in the program. */
  public PredictorNamesMismatchException(
      Path path, List<String> expected, List<String> missing, List<String> extra) {
    super(
        path,
        "the file's predictors do not match the program's "
            + expected
            + (missing.isEmpty() ? "" : "; missing from the file: " + missing)
            + (extra.isEmpty() ? "" : "; in the file but not in the program: " + extra));
    this.missing = List.copyOf(missing);
    this.extra = List.copyOf(extra);
  }

  /** The program's predictor names that have no state in the file. */
  public List<String> missing() {
    return missing;
  }

  /** The file's predictor names that the program does not have. */
  public List<String> extra() {
    return extra;
  }
}
