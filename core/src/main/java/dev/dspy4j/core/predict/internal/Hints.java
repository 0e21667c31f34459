package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.signature.Signature;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Refine's advice for the next attempt, kept in the Reactor Context: every predictor called beneath
 * gets an extra input {@code hint_} holding the advice for its name, or {@code "N/A"}, as DSPy's
 * {@code WrapperAdapter} adds it. Predictors are matched by signature, as DSPy does.
 *
 * @param names the predictor name of each signature of the program
 * @param advice the advice text per predictor name
 */
public record Hints(Map<Signature, String> names, Map<String, String> advice) {

  /** The name of the extra input field. */
  public static final String FIELD = "hint_";

  /** Its description, DSPy's {@code InputField(desc=...)}. */
  public static final String DESCRIPTION = "A hint to the module from an earlier run";

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.hints";
        }
      };

  public Hints {
    names = Map.copyOf(names);
    advice = Map.copyOf(advice);
  }

  /** A Context change that gives the calls beneath these hints. */
  public Function<Context, Context> into() {
    return ctx -> ctx.put(KEY, this);
  }

  /** The hint for a predictor of this signature, when the calls run under hints. */
  public static Optional<String> forSignature(ContextView ctx, Signature signature) {
    Objects.requireNonNull(signature, "signature");
    Optional<Hints> hints = ctx.getOrEmpty(KEY);
    return hints.map(
        h -> {
          String name = h.names.get(signature);
          String text = name == null ? null : h.advice.get(name);
          return text == null ? "N/A" : text;
        });
  }
}
