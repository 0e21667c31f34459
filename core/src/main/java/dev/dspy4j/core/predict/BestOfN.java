package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.predict.internal.AttemptBudget;
import dev.dspy4j.core.predict.internal.AttemptSettings;
import dev.dspy4j.core.predict.internal.Rollout;
import dev.dspy4j.core.predict.internal.StreamChannel;
import dev.dspy4j.core.predict.internal.Trace;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * DSPy's {@code dspy.BestOfN}: runs a module up to {@code N} times and returns the prediction with
 * the highest reward, or the first one whose reward reaches the threshold.
 *
 * <p>Attempt {@code i} (from 0) runs with rollout id {@code start + i} and a default temperature of
 * 1.0, as DSPy's {@code lm.copy(rollout_id=..., temperature=1.0)}: the rollout id is part of the
 * cache key, so no attempt gets another attempt's cached answer, and a temperature the module sets
 * itself still wins. Ties keep the earlier attempt. A failing attempt (LM error, parse error,
 * reward exception) is tolerated by DSPy's rule ({@code idx > failCount} fails the call, else
 * {@code failCount} goes down by one; {@code failCount} is {@code N} unless set), counted per call.
 *
 * <p>Sequential by default, in DSPy's order. {@link #withConcurrency(int)} makes it reactive: up to
 * that many attempts run at once, and the first attempt to reach the threshold wins and cancels the
 * attempts still running (their HTTP exchanges are closed). Without a winner the best reward wins,
 * ties going to the lower attempt number.
 *
 * <p>Streamed ({@link Module#stream}, also inside a composite's stream), the attempts do not stream
 * their text (it may be thrown away); each finished or failed attempt is reported as a {@link
 * StreamEvent.Status}, and {@code Done} carries the chosen prediction.
 *
 * <pre>{@code
 * Module oneWord = BestOfN.of(ChainOfThought.of("question -> answer"), 5,
 *     (in, p) -> p.get("answer").split("\\s+").length == 1 ? 1.0 : 0.0, 1.0).withConcurrency(5);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BestOfN implements Module {

  private final Module module;
  private final int n;
  private final Reward reward;
  private final double threshold;
  private final int failCount;
  private final int concurrency;
  private final int startRolloutId;

  private BestOfN(
      Module module,
      int n,
      Reward reward,
      double threshold,
      int failCount,
      int concurrency,
      int start) {
    this.module = module;
    this.n = n;
    this.reward = reward;
    this.threshold = threshold;
    this.failCount = failCount;
    this.concurrency = concurrency;
    this.startRolloutId = start;
  }

  /**
   * Up to {@code n} attempts of {@code module}, stopping at the first reward {@code >= threshold}.
   *
   * @throws IllegalArgumentException when {@code n} is below 1 or the threshold is NaN
   */
  public static BestOfN of(Module module, int n, Reward reward, double threshold) {
    AttemptSettings.check(module, n, reward, threshold);
    return new BestOfN(module, n, reward, threshold, n, 1, 0);
  }

  /**
   * This module with DSPy's {@code fail_count} (default {@code N}).
   *
   * @throws IllegalArgumentException when negative
   */
  public BestOfN withFailCount(int failCount) {
    AttemptSettings.failCount(failCount);
    return new BestOfN(module, n, reward, threshold, failCount, concurrency, startRolloutId);
  }

  /**
   * This module running up to {@code concurrency} attempts at once; the first to reach the
   * threshold cancels the others. 1 (the default) runs them one after another, as DSPy does.
   *
   * @throws IllegalArgumentException when below 1
   */
  public BestOfN withConcurrency(int concurrency) {
    if (concurrency < 1)
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    return new BestOfN(module, n, reward, threshold, failCount, concurrency, startRolloutId);
  }

  /**
   * This module with its first attempt at rollout id {@code start} (DSPy reads it from the LM; 0 by
   * default).
   */
  public BestOfN withStartRolloutId(int start) {
    AttemptSettings.startRolloutId(start);
    return new BestOfN(module, n, reward, threshold, failCount, concurrency, start);
  }

  /** The module it runs. */
  public Module module() {
    return module;
  }

  /**
   * Runs the attempts. Emits the chosen prediction; errors with the failing attempt's own error
   * when the failure rule says so, or with {@link AttemptsFailedException} when every attempt
   * failed. Cancelling cancels the attempts in flight.
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    return Mono.deferContextual(
        ctx -> {
          var budget = new AttemptBudget(failCount);
          var best = new Best();
          Flux<Scored> scored =
              concurrency == 1
                  ? Flux.range(0, n).concatMap(i -> finished(attempt(i, inputs, budget, ctx)))
                  : Flux.range(0, n)
                      .flatMap(i -> finished(attempt(i, inputs, budget, ctx)), concurrency);
          return scored
              .takeUntil(s -> s.reward >= threshold)
              .doOnNext(best::offer)
              .then(
                  Mono.fromCallable(
                      () -> {
                        Scored winner = best.get();
                        if (winner == null)
                          throw new AttemptsFailedException(toString(), n, budget.failures());
                        Trace.extend(ctx, winner.trace);
                        return winner.prediction;
                      }));
        });
  }

  private Mono<Scored> attempt(
      int idx, Map<String, ?> inputs, AttemptBudget budget, ContextView ctx) {
    var trace = new Trace();
    String attempt = "BestOfN attempt " + (idx + 1) + " of " + n;
    return Mono.defer(() -> module.call(inputs))
        .map(p -> new Scored(idx, p, reward.score(inputs, p), trace.steps()))
        .contextWrite(trace.into())
        .contextWrite(new Rollout(String.valueOf(startRolloutId + idx), 1.0).into())
        .contextWrite(StreamChannel.hidden())
        .flatMap(
            s ->
                StreamChannel.status(
                        ctx,
                        attempt
                            + ": reward "
                            + PyJson.floatRepr(s.reward)
                            + (s.reward >= threshold ? ", the threshold is reached" : ""))
                    .thenReturn(s))
        .onErrorResume(
            e ->
                budget.tolerate(idx, e)
                    ? StreamChannel.status(
                            ctx, attempt + " failed (" + e.getClass().getSimpleName() + ")")
                        .then(Mono.empty())
                    : Mono.error(e));
  }

  /**
   * The attempt's result once the attempt has completed: the winner must not be cancelled by the
   * {@code takeUntil} its own value triggers (between a Mono's onNext and its onComplete).
   */
  private static Flux<Scored> finished(Mono<Scored> attempt) {
    return attempt.flux().collectList().flatMapIterable(list -> list);
  }

  /** One finished attempt. */
  record Scored(int idx, Prediction prediction, double reward, List<Trace.Step> trace) {}

  /** The best attempt so far: strictly higher reward wins, ties go to the lower attempt number. */
  static final class Best {
    private @Nullable Scored best;

    synchronized void offer(Scored s) {
      if (best == null || s.reward > best.reward || (s.reward == best.reward && s.idx < best.idx))
        best = s;
    }

    synchronized @Nullable Scored get() {
      return best;
    }
  }

  @Override
  public String toString() {
    return "BestOfN(N=" + n + ", threshold=" + threshold + ", " + module + ")";
  }
}
