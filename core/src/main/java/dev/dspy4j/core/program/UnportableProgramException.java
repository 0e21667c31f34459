package dev.dspy4j.core.program;

import java.nio.file.Path;

/**
 * The file holds state that only Python can read or run: a cloudpickle file ({@code .pkl}), a
 * {@code save_program=True} directory ({@code program.pkl}), a {@code dspy.Flex} module's Python
 * source, or DSPy's pre-2.6 {@code extended_signature}. The message says how to save JSON instead.
 */
public final class UnportableProgramException extends ProgramLoadException {

  /** An unportable file at {@code path}, explained by {@code message}. */
  public UnportableProgramException(Path path, String message) {
    super(path, message);
  }
}
