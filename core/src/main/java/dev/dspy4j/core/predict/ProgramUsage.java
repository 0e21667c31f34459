package dev.dspy4j.core.predict;

import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The tokens of one program call, as DSPy's {@code prediction.get_lm_usage()}: every LM response a
 * {@code Predict} beneath receives (a JSON-fallback call included) is added to each program call it
 * runs inside, and that call's Prediction reports the sum as {@link Prediction#usage()}. Program
 * calls nest: an inner call's tokens count in the outer one too. Kept in the Reactor Context, so it
 * follows {@code flatMap}, {@code zip} and thread hops with no ThreadLocal.
 */
final class ProgramUsage {

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.programUsage";
        }
      };

  private ProgramUsage() {}

  /** Adds {@code usage} to every program call of {@code context}. */
  static void record(ContextView context, Usage usage) {
    for (AtomicReference<Usage> total :
        context.<List<AtomicReference<Usage>>>getOrDefault(KEY, List.of())) {
      total.accumulateAndGet(usage, Usage::plus);
    }
  }

  /**
   * {@code call} as one program call: its Prediction's usage becomes the sum of the LM responses
   * received beneath it during this subscription.
   */
  static Mono<Prediction> summed(Mono<Prediction> call) {
    return Mono.defer(
        () -> {
          var total = new AtomicReference<>(Usage.ZERO);
          return call.map(p -> p.withUsage(total.get())).contextWrite(ctx -> with(ctx, total));
        });
  }

  /**
   * {@code events} as one program call: whoever makes its {@code Done} reads the summed usage with
   * {@link #total} (so the events pass through no extra operator).
   */
  static Flux<StreamEvent> counted(Flux<StreamEvent> events) {
    return events.contextWrite(ctx -> with(ctx, new AtomicReference<>(Usage.ZERO)));
  }

  /**
   * The usage summed so far for the innermost program call of {@code context}; zero outside any.
   */
  static Usage total(ContextView context) {
    List<AtomicReference<Usage>> totals = context.getOrDefault(KEY, List.of());
    return totals.isEmpty() ? Usage.ZERO : totals.get(totals.size() - 1).get();
  }

  private static Context with(Context context, AtomicReference<Usage> total) {
    var all = new ArrayList<>(context.<List<AtomicReference<Usage>>>getOrDefault(KEY, List.of()));
    all.add(total);
    return context.put(KEY, List.copyOf(all));
  }
}
