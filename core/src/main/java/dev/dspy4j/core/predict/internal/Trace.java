package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.Predict;
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
 * DSPy's {@code settings.trace} for one run: each {@link Predict} that completes beneath a Context
 * holding a Trace appends a step (the predictor, the signature it ran, the inputs it was given — a
 * Refine hint included — and its prediction), in completion order. BestOfN/Refine keep the trace of
 * their best attempt; optimizers turn a successful teacher run into demos. Outside such a Context
 * nothing is recorded. Thread-safe; one instance per run.
 */
public final class Trace {

  /** One predictor call. */
  public record Step(
      Predict predictor, Signature signature, Map<String, Object> inputs, Prediction prediction) {}

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.trace";
        }
      };

  private final List<Step> steps = new ArrayList<>();

  /** A Context change under which the calls beneath are recorded into this trace. */
  public Function<Context, Context> into() {
    return ctx -> ctx.put(KEY, this);
  }

  /** Records a predictor call when the Context carries a trace; does nothing otherwise. */
  public static void record(
      ContextView ctx,
      Predict predictor,
      Signature signature,
      Map<String, ?> inputs,
      Prediction prediction) {
    ctx.<Trace>getOrEmpty(KEY)
        .ifPresent(t -> t.add(new Step(predictor, signature, copy(inputs), prediction)));
  }

  /**
   * Appends the steps of a finished attempt to the trace of this Context, if any: DSPy extends
   * {@code settings.trace} with the best attempt's trace only.
   */
  public static void extend(ContextView ctx, List<Step> steps) {
    ctx.<Trace>getOrEmpty(KEY)
        .ifPresent(
            t -> {
              synchronized (t) {
                t.steps.addAll(steps);
              }
            });
  }

  private static Map<String, Object> copy(Map<String, ?> inputs) {
    var copy = new LinkedHashMap<String, Object>();
    inputs.forEach((k, v) -> copy.put(Objects.requireNonNull(k), v));
    return copy;
  }

  private synchronized void add(Step step) {
    steps.add(step);
  }

  /** The calls recorded so far. */
  public synchronized List<Step> steps() {
    return List.copyOf(steps);
  }
}
