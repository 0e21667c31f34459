package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * DSPy's {@code settings.trace} for one attempt: each predictor called beneath appends its
 * signature, the inputs it was given (a hint included) and its prediction, in completion order.
 * Thread-safe; one instance per attempt.
 */
public final class Trace {

  /** One predictor call. */
  public record Step(Signature signature, Map<String, Object> inputs, Prediction prediction) {}

  private static final Object KEY = new Object() {
    @Override
    public String toString() {
      return "dspy4j.trace";
    }
  };

  private final List<Step> steps = new ArrayList<>();

  /** A Context change that records the calls beneath into this trace. */
  public Function<Context, Context> into() {
    return ctx -> ctx.put(KEY, this);
  }

  /** Records a predictor call when the Context carries a trace; does nothing otherwise. */
  public static void record(ContextView ctx, Signature signature, Map<String, ?> inputs, Prediction prediction) {
    ctx.<Trace>getOrEmpty(KEY).ifPresent(t -> t.add(signature, inputs, prediction));
  }

  /**
   * Appends the steps of a finished attempt to the trace of this Context, if any: DSPy extends
   * {@code settings.trace} with the best attempt's trace only.
   */
  public static void extend(ContextView ctx, List<Step> steps) {
    ctx.<Trace>getOrEmpty(KEY).ifPresent(t -> {
      synchronized (t) {
        t.steps.addAll(steps);
      }
    });
  }

  private synchronized void add(Signature signature, Map<String, ?> inputs, Prediction prediction) {
    var copy = new LinkedHashMap<String, Object>();
    inputs.forEach((k, v) -> copy.put(Objects.requireNonNull(k), v));
    steps.add(new Step(signature, copy, prediction));
  }

  /** The calls recorded so far. */
  public synchronized List<Step> steps() {
    return List.copyOf(steps);
  }
}
