package dev.dspy4j.core.program;

import java.nio.file.Path;

/**
 * The file is not a program state as DSPy writes it: invalid JSON (with its line and column), a
 * missing or mistyped section, or a value dspy4j cannot hold.
 */
public final class MalformedProgramFileException extends ProgramLoadException {

  private final int line;
  private final int column;

  /** A structural problem, not tied to a position in the text. */
  public MalformedProgramFileException(Path path, String message) {
    super(path, message);
    this.line = -1;
    this.column = -1;
  }

  /** Invalid JSON at this line and column (1-based). */
  public MalformedProgramFileException(
      Path path, String message, int line, int column, Throwable cause) {
    super(path, message + " at line " + line + ", column " + column, cause);
    this.line = line;
    this.column = column;
  }

  /** The 1-based line of invalid JSON, or -1 when the problem is not a JSON syntax error. */
  public int line() {
    return line;
  }

  /** The 1-based column of invalid JSON, or -1 when the problem is not a JSON syntax error. */
  public int column() {
    return column;
  }
}
