package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * DSPy's {@code dspy.settings.trace} for one program call: every {@link Predict} that completes
 * beneath a Context holding a Trace appends a step (the predictor, its inputs, its prediction), in
 * completion order. Optimizers read it to turn a successful run into demos. Outside such a Context
 * nothing is recorded.
 */
public final class Trace {

  private static final Object KEY = Trace.class;

  /** One predictor call: the predictor object, the inputs it was given and what it predicted. */
  public record Step(Predict predictor, Map<String, Object> inputs, Prediction prediction) {}

  private final ConcurrentLinkedQueue<Step> steps = new ConcurrentLinkedQueue<>();

  /** A Context change under which predictor calls are recorded into this trace. */
  public Function<Context, Context> recording() {
    return ctx -> ctx.put(KEY, this);
  }

  /** The steps recorded so far, in completion order. */
  public List<Step> steps() {
    return List.copyOf(steps);
  }

  /** Records a completed call when the Context holds a trace; does nothing otherwise. */
  public static void record(ContextView ctx, Predict predictor, Map<String, ?> inputs, Prediction prediction) {
    Object trace = ctx.getOrDefault(KEY, null);
    if (trace instanceof Trace t) {
      t.steps.add(new Step(predictor, new LinkedHashMap<>(inputs), prediction));
    }
  }
}
