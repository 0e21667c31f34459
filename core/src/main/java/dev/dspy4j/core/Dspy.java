package dev.dspy4j.core;

import dev.dspy4j.core.lm.LanguageModel;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Process-wide settings, like {@code dspy.configure}, and their per-pipeline overrides through the
 * Reactor {@link Context}, like {@code with dspy.context(lm=...)}.
 *
 * <pre>{@code
 * Dspy.configure(lm);                                   // default for every module
 * qa.call(inputs).contextWrite(Dspy.withLm(otherLm));   // this pipeline only
 * }</pre>
 */
public final class Dspy {

  private static final Object LM_KEY = new Object() {
    @Override
    public String toString() {
      return "dspy4j.lm";
    }
  };

  private static volatile @Nullable LanguageModel defaultLm;

  private Dspy() {}

  /** Sets the process-wide default LM used by modules that have no LM of their own. */
  public static void configure(LanguageModel lm) {
    defaultLm = Objects.requireNonNull(lm, "lm must not be null");
  }

  /** The process-wide default LM, if one was configured. */
  public static Optional<LanguageModel> configuredLm() {
    return Optional.ofNullable(defaultLm);
  }

  /** Clears the process-wide default LM (mainly for tests). */
  public static void reset() {
    defaultLm = null;
  }

  /** A Context change, for {@code contextWrite}, that makes {@code lm} the LM of that pipeline. */
  public static Function<Context, Context> withLm(LanguageModel lm) {
    Objects.requireNonNull(lm, "lm must not be null");
    return ctx -> ctx.put(LM_KEY, lm);
  }

  /** The LM of this Context if one was written, else the process-wide default. */
  public static Optional<LanguageModel> lm(ContextView context) {
    return context.<LanguageModel>getOrEmpty(LM_KEY).or(Dspy::configuredLm);
  }
}
