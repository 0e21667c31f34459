package dev.dspy4j.core.program;

/**
 * How {@code Module.load} treats a file's LM sections.
 *
 * @param allowUnsafeLmState keep {@code api_base}, {@code base_url}, {@code model_list} and {@code
 *     api_key} of a saved {@code lm} section (DSPy's {@code allow_unsafe_lm_state}); off by
 *     default, when they are dropped. Enable only for files you trust.
 */
public record LoadOptions(boolean allowUnsafeLmState) {

  /** DSPy's defaults: unsafe LM keys are dropped. */
  public static final LoadOptions DEFAULTS = new LoadOptions(false);

  /** These options with unsafe LM keys kept ({@code true}) or dropped. */
  public LoadOptions withAllowUnsafeLmState(boolean allow) {
    return new LoadOptions(allow);
  }
}
