package dev.dspy4j.core;

import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.cache.LmCache;
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

  private static final Object LM_KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.lm";
        }
      };

  private static volatile @Nullable LanguageModel defaultLm;

  private static volatile @Nullable LmCache cache;

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

  /**
   * Replaces the process-wide cache shared by every LM that caches (like {@code dspy.cache}), e.g.
   * {@code Dspy.configureCache(DefaultLmCache.builder().diskDirectory(dir).build())}. LMs look the
   * cache up per call, so calls made after this use the new one.
   */
  public static void configureCache(LmCache lmCache) {
    cache = Objects.requireNonNull(lmCache, "lmCache must not be null");
  }

  /**
   * The process-wide cache: the one configured, else (created on first use) a {@link
   * DefaultLmCache#fromEnvironment()}: memory only, plus a disk layer when the environment variable
   * {@code DSPY4J_CACHEDIR} names a directory.
   */
  public static LmCache cache() {
    LmCache c = cache;
    if (c != null) return c;
    synchronized (Dspy.class) {
      if (cache == null) cache = DefaultLmCache.fromEnvironment();
      return cache;
    }
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
