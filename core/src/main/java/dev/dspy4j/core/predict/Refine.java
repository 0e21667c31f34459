package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.predict.internal.AttemptBudget;
import dev.dspy4j.core.predict.internal.AttemptSettings;
import dev.dspy4j.core.predict.internal.Hints;
import dev.dspy4j.core.predict.internal.OfferFeedback;
import dev.dspy4j.core.predict.internal.Rollout;
import dev.dspy4j.core.predict.internal.StreamChannel;
import dev.dspy4j.core.predict.internal.Trace;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * DSPy's {@code dspy.Refine}: like {@link BestOfN}, up to {@code N} attempts with rollout ids and a
 * default temperature of 1.0, stopping at the first reward that reaches the threshold; but after
 * each attempt that falls short (except the last) it asks the LM for advice, with DSPy's {@code
 * OfferFeedback} signature and prompt, and the next attempt's predictors each get that advice as an
 * extra input {@code hint_} ("N/A" for a predictor the advice does not name).
 *
 * <p>The feedback prompt is DSPy's, byte for byte, except two inputs: where DSPy sends the Python
 * source of the module's class and of the reward function ({@code inspect.getsource}), dspy4j sends
 * {@link #withProgramCode} and {@link #withRewardCode} texts; by default the module's description
 * ({@code toString()}) and a sentence saying the reward is a Java function. Describe your reward in
 * words with {@code withRewardCode} to get better advice.
 *
 * <p>The feedback step uses the LM of {@link #withFeedbackLm}, else the pipeline's LM (Context or
 * process default), as DSPy uses {@code settings.lm}: not the attempt's rollout and temperature.
 * Attempts run one after another (each depends on the advice of the one before). Failures follow
 * DSPy's rule, counted per call (see {@link BestOfN}); a failed attempt or feedback step leaves the
 * advice as it was. Streamed, the attempts and the feedback step do not stream their text; each
 * attempt's reward (or failure) and each request for advice is reported as a {@link
 * StreamEvent.Status}. Immutable and thread-safe.
 */
public final class Refine implements Module {

  private static final Predict FEEDBACK = Predict.of(OfferFeedback.SIGNATURE);

  private final Module module;
  private final int n;
  private final Reward reward;
  private final double threshold;
  private final int failCount;
  private final int startRolloutId;
  private final @Nullable LanguageModel feedbackLm;
  private final String programCode;
  private final String rewardCode;
  private final Map<String, Signature> predictors;

  private Refine(
      Module module,
      int n,
      Reward reward,
      double threshold,
      int failCount,
      int startRolloutId,
      @Nullable LanguageModel feedbackLm,
      String programCode,
      String rewardCode,
      Map<String, Signature> predictors) {
    this.module = module;
    this.n = n;
    this.reward = reward;
    this.threshold = threshold;
    this.failCount = failCount;
    this.startRolloutId = startRolloutId;
    this.feedbackLm = feedbackLm;
    this.programCode = programCode;
    this.rewardCode = rewardCode;
    this.predictors = predictors;
  }

  /**
   * Up to {@code n} attempts of {@code module} with feedback in between, stopping at the first
   * reward {@code >= threshold}.
   *
   * @throws IllegalArgumentException when {@code n} is below 1 or the threshold is NaN
   */
  public static Refine of(Module module, int n, Reward reward, double threshold) {
    AttemptSettings.check(module, n, reward, threshold);
    return new Refine(
        module,
        n,
        reward,
        threshold,
        n,
        0,
        null,
        module.toString(),
        "A Java reward function (its source code is not available). It scores the program's outputs;"
            + " the target threshold is the score to reach.",
        predictorSignatures(module));
  }

  /**
   * The module's predictors by their DSPy names ({@link Module#namedPredictors()}), as signatures.
   */
  private static Map<String, Signature> predictorSignatures(Module module) {
    var out = new java.util.LinkedHashMap<String, Signature>();
    module.namedPredictors().forEach((name, p) -> out.put(name, p.signature()));
    return out;
  }

  /** This module with DSPy's {@code fail_count} (default {@code N}). */
  public Refine withFailCount(int failCount) {
    AttemptSettings.failCount(failCount);
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        startRolloutId,
        feedbackLm,
        programCode,
        rewardCode,
        predictors);
  }

  /** This module with its first attempt at rollout id {@code start} (0 by default). */
  public Refine withStartRolloutId(int start) {
    AttemptSettings.startRolloutId(start);
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        start,
        feedbackLm,
        programCode,
        rewardCode,
        predictors);
  }

  /** This module asking {@code lm} for feedback (else the pipeline's LM). */
  public Refine withFeedbackLm(LanguageModel lm) {
    Objects.requireNonNull(lm, "lm must not be null");
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        startRolloutId,
        lm,
        programCode,
        rewardCode,
        predictors);
  }

  /** The text sent as {@code program_code} (DSPy sends the Python source of the module's class). */
  public Refine withProgramCode(String programCode) {
    Objects.requireNonNull(programCode, "programCode must not be null");
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        startRolloutId,
        feedbackLm,
        programCode,
        rewardCode,
        predictors);
  }

  /** The text sent as {@code reward_code} (DSPy sends the Python source of the reward function). */
  public Refine withRewardCode(String rewardCode) {
    Objects.requireNonNull(rewardCode, "rewardCode must not be null");
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        startRolloutId,
        feedbackLm,
        programCode,
        rewardCode,
        predictors);
  }

  /**
   * The named predictors of a module of your own (name to signature, in DSPy's {@code
   * named_predictors()} order), for the feedback prompt and the hints. Known without this for
   * Predict ({@code self}), ChainOfThought and MultiChainComparison ({@code predict}).
   */
  public Refine withPredictors(Map<String, Signature> predictors) {
    Objects.requireNonNull(predictors, "predictors must not be null");
    var copy = new LinkedHashMap<String, Signature>();
    predictors.forEach(
        (k, v) ->
            copy.put(
                Objects.requireNonNull(k, "predictor name"),
                Objects.requireNonNull(v, "signature")));
    return new Refine(
        module,
        n,
        reward,
        threshold,
        failCount,
        startRolloutId,
        feedbackLm,
        programCode,
        rewardCode,
        copy);
  }

  /** The module it runs. */
  public Module module() {
    return module;
  }

  /**
   * Runs the attempts. Emits the chosen prediction; errors with the failing attempt's own error
   * when the failure rule says so, or with {@link AttemptsFailedException} when every attempt
   * failed. Cancelling cancels the call in flight (attempt or feedback).
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    return Mono.deferContextual(
        ctx -> {
          var run = new Run(inputs, new AttemptBudget(failCount), ctx);
          return run.step(0).then(Mono.fromCallable(() -> run.result(ctx)));
        });
  }

  /** The state of one call; its steps run one after another. */
  private final class Run {
    private final Map<String, ?> inputs;
    private final AttemptBudget budget;
    private Map<String, String> advice = Map.of();
    private BestOfN.@Nullable Scored best;
    private boolean done;

    private final ContextView ctx;

    Run(Map<String, ?> inputs, AttemptBudget budget, ContextView ctx) {
      this.inputs = inputs;
      this.budget = budget;
      this.ctx = ctx;
    }

    Mono<Void> step(int idx) {
      if (done || idx >= n) return Mono.empty();
      var trace = new Trace();
      Map<String, String> hints = advice;
      Mono<Prediction> attempt = Mono.defer(() -> module.call(inputs)).contextWrite(trace.into());
      if (!hints.isEmpty())
        attempt = attempt.contextWrite(new Hints(signatureNames(), hints).into());
      attempt = attempt.contextWrite(new Rollout(String.valueOf(startRolloutId + idx), 1.0).into());
      String name = "Refine attempt " + (idx + 1) + " of " + n;
      return attempt
          .flatMap(
              p -> {
                var scored = new BestOfN.Scored(idx, p, reward.score(inputs, p), trace.steps());
                if (best == null || scored.reward() > best.reward()) best = scored;
                boolean reached = scored.reward() >= threshold;
                Mono<Void> status =
                    StreamChannel.status(
                        ctx,
                        name
                            + ": reward "
                            + PyJson.floatRepr(scored.reward())
                            + (reached ? ", the threshold is reached" : ""));
                if (reached || idx == n - 1) {
                  done = true;
                  return status;
                }
                Mono<Map<String, String>> ask =
                    feedback(scored)
                        .contextWrite(StreamChannel.hidden())
                        .contextWrite(Rollout.cleared());
                return status
                    .then(StreamChannel.status(ctx, "Refine: asking for advice"))
                    .then(ask.doOnNext(a -> advice = a).then());
              })
          .contextWrite(StreamChannel.hidden())
          .onErrorResume(
              e ->
                  budget.tolerate(idx, e)
                      ? StreamChannel.status(
                          ctx, name + " failed (" + e.getClass().getSimpleName() + ")")
                      : Mono.error(e))
          .then(Mono.defer(() -> step(idx + 1)));
    }

    Prediction result(ContextView ctx) {
      if (best == null)
        throw new AttemptsFailedException(Refine.this.toString(), n, budget.failures());
      Trace.extend(ctx, best.trace());
      return best.prediction();
    }

    private Mono<Map<String, String>> feedback(BestOfN.Scored scored) {
      Map<Signature, String> names = signatureNames();
      var trajectory = new ArrayList<Object>();
      for (Trace.Step s : scored.trace()) {
        var step = new LinkedHashMap<String, Object>();
        // A predictor not named (a user module without withPredictors) is shown as DSPy prints a
        // Predict.
        String unnamed = "Predict" + s.signature().toString().substring("Signature".length());
        step.put("module_name", names.getOrDefault(s.signature(), unnamed));
        step.put("inputs", s.inputs());
        step.put("outputs", s.prediction().fields());
        trajectory.add(step);
      }
      var kwargs = new LinkedHashMap<String, Object>();
      kwargs.put("program_code", programCode);
      kwargs.put("modules_defn", OfferFeedback.modulesDefinition(predictors));
      kwargs.put("program_inputs", json(inputs));
      kwargs.put("program_trajectory", json(trajectory));
      kwargs.put("program_outputs", json(scored.prediction().fields()));
      kwargs.put("reward_code", rewardCode);
      kwargs.put("target_threshold", json(threshold));
      kwargs.put("reward_value", json(scored.reward()));
      kwargs.put("module_names", json(new ArrayList<>(predictors.keySet())));
      Predict feedback = feedbackLm == null ? FEEDBACK : FEEDBACK.withLm(feedbackLm);
      return feedback
          .call(kwargs)
          .map(
              p -> {
                var out = new LinkedHashMap<String, String>();
                p.value("advice")
                    .ifPresent(
                        a ->
                            ((Map<?, ?>) a)
                                .forEach(
                                    (k, v) ->
                                        out.put(
                                            String.valueOf(k),
                                            v instanceof String s ? s : PyJson.render(v))));
                return out;
              });
    }
  }

  private Map<Signature, String> signatureNames() {
    var names = new HashMap<Signature, String>();
    predictors.forEach((name, signature) -> names.put(signature, name));
    return names;
  }

  /**
   * orjson's {@code dumps(value, option=OPT_INDENT_2)}, as DSPy's Refine writes non-text inputs.
   */
  private static String json(Object value) {
    return PyJson.dumpsIndented(PyJson.toJsonable(value));
  }

  @Override
  public String toString() {
    return "Refine(N=" + n + ", threshold=" + threshold + ", " + module + ")";
  }
}
