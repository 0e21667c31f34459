package dev.dspy4j.core.program;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A program file could not be loaded; the program's state is unchanged. Subclasses name the kind of
 * problem: {@link MalformedProgramFileException}, {@link PredictorNamesMismatchException}, {@link
 * SignatureMismatchException}, {@link UnportableProgramException}.
 */
public class ProgramLoadException extends RuntimeException {

  private final Path path;

  /** A load failure of the file at {@code path}, explained by {@code message}. */
  public ProgramLoadException(Path path, String message) {
    this(path, message, null);
  }

  /**
   * A load failure of the file at {@code path}, explained by {@code message}, caused by {@code
   * cause}.
   */
  public ProgramLoadException(Path path, String message, Throwable cause) {
    super("cannot load " + path + ": " + message, cause);
    this.path = Objects.requireNonNull(path, "path");
  }

  /** The file (or directory) that could not be loaded. */
  public Path path() {
    return path;
  }
}
