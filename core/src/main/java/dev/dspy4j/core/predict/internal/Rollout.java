package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.lm.LmRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One attempt of {@code BestOfN} or {@code Refine}, kept in the Reactor Context: the calls made
 * beneath run as DSPy's {@code lm.copy(rollout_id=id, temperature=t)} would. The rollout id becomes
 * the request's {@code rolloutId} (part of the cache key, so attempts never share a cached answer),
 * and the temperature acts as the LM's default: a temperature the module sets itself still wins, as
 * in DSPy where a predictor's config overrides the LM's kwargs.
 *
 * @param id the rollout id
 * @param temperature the default temperature of the attempt
 */
public record Rollout(String id, double temperature) {

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.rollout";
        }
      };

  public Rollout {
    Objects.requireNonNull(id, "id");
  }

  /** A Context change that runs the calls beneath as this attempt. */
  public Function<Context, Context> into() {
    return ctx -> ctx.put(KEY, this);
  }

  /**
   * A Context change that takes the calls beneath out of any attempt (Refine's feedback step uses
   * the plain LM settings, as DSPy's {@code settings.lm}, even inside another module's attempt).
   */
  public static Function<Context, Context> cleared() {
    return ctx -> ctx.delete(KEY);
  }

  /** The attempt of this Context, if the calls run inside one. */
  public static Optional<Rollout> in(ContextView ctx) {
    return ctx.getOrEmpty(KEY);
  }

  /**
   * Sets the rollout id (unless the request has one) and the default temperature (unless it has
   * one).
   */
  public void applyTo(LmRequest.Builder builder, LmRequest built) {
    if (built.rolloutId().isEmpty()) builder.rolloutId(id);
    if (built.temperature().isEmpty()) builder.temperature(temperature);
  }
}
