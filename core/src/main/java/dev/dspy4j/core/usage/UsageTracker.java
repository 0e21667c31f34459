package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.Usage;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import reactor.util.context.Context;

/**
 * Sums the tokens of every LM call made by a pipeline, per model, like DSPy's {@code track_usage}.
 * Write it into the pipeline's Reactor Context; every LM call under it records into it (see {@link
 * UsageTracking#record}). Trackers nest: a call records into every tracker in its Context.
 *
 * <pre>{@code
 * UsageTracker tracker = UsageTracker.create();
 * program.call(inputs)
 *     .contextWrite(tracker.context())
 *     .doOnSuccess(p -> log.info("usage {}", tracker.byModel()))   // {gpt-4o-mini=ModelUsage[calls=3, ...]}
 *     .subscribe();
 * }</pre>
 *
 * <p>Thread-safe; recording is lock-free.
 */
public final class UsageTracker {

  private final ConcurrentHashMap<String, Counters> byModel = new ConcurrentHashMap<>();

  private UsageTracker() {}

  /** A new, empty tracker. */
  public static UsageTracker create() {
    return new UsageTracker();
  }

  /**
   * A Context change, for {@code contextWrite}, that makes the calls of that pipeline record into
   * this tracker (as well as into any tracker already in the Context).
   */
  public Function<Context, Context> context() {
    return ctx -> UsageTracking.withTracker(ctx, this);
  }

  /**
   * Records one call of {@code model}. A cache hit counts as a call and a cache hit but adds no
   * tokens, whatever {@code usage} says.
   */
  public void record(String model, Usage usage, boolean cacheHit) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(usage, "usage must not be null");
    Counters c = byModel.computeIfAbsent(model, m -> new Counters());
    c.calls.increment();
    if (cacheHit) {
      c.cacheHits.increment();
      return;
    }
    c.prompt.add(usage.promptTokens());
    c.completion.add(usage.completionTokens());
    c.total.add(usage.totalTokens());
  }

  /** The usage so far, per model name (sorted by name); a snapshot. */
  public Map<String, ModelUsage> byModel() {
    var snapshot = new TreeMap<String, ModelUsage>();
    byModel.forEach((model, c) -> snapshot.put(model, c.snapshot()));
    return Collections.unmodifiableMap(snapshot);
  }

  /** The usage so far summed over all models. */
  public ModelUsage total() {
    return byModel.values().stream()
        .map(Counters::snapshot)
        .reduce(ModelUsage.NONE, ModelUsage::plus);
  }

  @Override
  public String toString() {
    return "UsageTracker" + byModel();
  }

  private static final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder prompt = new LongAdder();
    final LongAdder completion = new LongAdder();
    final LongAdder total = new LongAdder();

    ModelUsage snapshot() {
      return new ModelUsage(
          calls.sum(), cacheHits.sum(), prompt.sum(), completion.sum(), total.sum());
    }
  }
}
