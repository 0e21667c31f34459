package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The hook between LM calls and {@link UsageTracker}s in the Reactor Context.
 *
 * <p>An LM implementation calls {@link #record(ContextView, String, LmResponse)} once per completed
 * call (or {@link #record(ContextView, String, Usage, boolean)} for a stream's usage chunk), with
 * the Context of the subscriber, e.g. {@code Mono.deferContextual(ctx -> send(req).doOnNext(r ->
 * UsageTracking.record(ctx, model(), r)))}. Without a tracker in the Context this does nothing.
 * Every {@link LmChain} (the streaming {@code LM}, {@code DummyLM}, a chain over your own {@link
 * dev.dspy4j.core.lm.LmTransport}) does this in its record link.
 */
public final class UsageTracking {

  private static final Object TRACKERS_KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.usageTrackers";
        }
      };

  private UsageTracking() {}

  /**
   * Records {@code response}'s usage for {@code model} into every tracker of {@code context}; a
   * cache hit adds none.
   */
  public static void record(ContextView context, String model, LmResponse response) {
    Objects.requireNonNull(response, "response must not be null");
    record(context, model, response.usage(), response.cacheHit());
  }

  /**
   * Records one call's usage for {@code model} into every tracker of {@code context}; a cache hit
   * adds none.
   */
  public static void record(ContextView context, String model, Usage usage, boolean cacheHit) {
    Objects.requireNonNull(context, "context must not be null");
    for (UsageTracker tracker : trackers(context)) {
      tracker.record(model, usage, cacheHit);
    }
  }

  /** The trackers written into {@code context}, outermost first; empty when none. */
  public static List<UsageTracker> trackers(ContextView context) {
    return context.<List<UsageTracker>>getOrEmpty(TRACKERS_KEY).orElse(List.of());
  }

  /**
   * Runs {@code pipeline} under a fresh tracker. Emits its value with the tokens used per model,
   * when it completes; errors and completes empty as it does; cancelling cancels it.
   */
  public static <T> Mono<Tracked<T>> track(Mono<T> pipeline) {
    Objects.requireNonNull(pipeline, "pipeline must not be null");
    return Mono.defer(
        () -> {
          var tracker = UsageTracker.create();
          return pipeline
              .contextWrite(tracker.context())
              .map(v -> new Tracked<>(v, tracker.byModel()));
        });
  }

  static Context withTracker(Context context, UsageTracker tracker) {
    List<UsageTracker> current = trackers(context);
    if (current.contains(tracker)) {
      return context;
    }
    var next = new ArrayList<UsageTracker>(current.size() + 1);
    next.addAll(current);
    next.add(tracker);
    return context.put(TRACKERS_KEY, List.copyOf(next));
  }
}
