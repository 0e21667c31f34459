package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.adapter.internal.PyText;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code dspy.MultiChainComparison}: given {@code M} earlier attempts at a task (completions
 * with a {@code reasoning} or {@code rationale} and the outputs), asks the LM to compare them and
 * produce a corrected {@code rationale} and the outputs. The signature and prompt are DSPy's:
 * inputs {@code reasoning_attempt_1..M} (description {@code ${reasoning attempt}}) after the task's
 * inputs, an output {@code rationale} (description {@code ${corrected reasoning}}) before the
 * task's outputs, each attempt written as {@code «I'm trying to <first line of its reasoning> I'm
 * not sure but my prediction is <first line of its last output>»}, sampled at temperature 0.7 by
 * default.
 *
 * <pre>{@code
 * ChainOfThought cot = ChainOfThought.of("question -> answer");
 * MultiChainComparison compare = MultiChainComparison.of("question -> answer");   // M = 3
 * Mono<Prediction> best = cot.withN(3).call(in).flatMap(p -> compare.call(p.completions(), in));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MultiChainComparison implements Module {

  /**
   * The input key under which {@link #call(Map)} takes the attempts, as DSPy's {@code
   * completions=}.
   */
  public static final String COMPLETIONS = "completions";

  private final int m;
  private final String lastKey;
  private final Predict predict;

  private MultiChainComparison(int m, String lastKey, Predict predict) {
    this.m = m;
    this.lastKey = lastKey;
    this.predict = predict;
  }

  /** A comparison of 3 attempts at temperature 0.7 for a string signature. */
  public static MultiChainComparison of(String signature) {
    return of(Signature.parse(signature), 3);
  }

  /** A comparison of {@code m} attempts at temperature 0.7. */
  public static MultiChainComparison of(Signature signature, int m) {
    return of(signature, m, 0.7);
  }

  /**
   * A comparison of {@code m} attempts sampled at {@code temperature}.
   *
   * @throws IllegalArgumentException when {@code m} is below 1 or the signature has no output
   */
  public static MultiChainComparison of(Signature signature, int m, double temperature) {
    Objects.requireNonNull(signature, "signature must not be null");
    if (m < 1) throw new IllegalArgumentException("M must be at least 1, was " + m);
    List<Field> outputs = signature.outputs();
    if (outputs.isEmpty())
      throw new IllegalArgumentException("the signature has no output field: " + signature);
    String lastKey = outputs.get(outputs.size() - 1).name();
    Signature extended = signature;
    for (int i = 1; i <= m; i++) {
      extended =
          extended.append(
              new Field(
                  "reasoning_attempt_" + i,
                  FieldType.STR,
                  "${reasoning attempt}",
                  Field.Role.INPUT));
    }
    extended =
        extended.prepend(
            new Field("rationale", FieldType.STR, "${corrected reasoning}", Field.Role.OUTPUT));
    return new MultiChainComparison(m, lastKey, Predict.of(extended).withTemperature(temperature));
  }

  /** The number of attempts it compares. */
  public int m() {
    return m;
  }

  /** The predictor it runs (DSPy's {@code self.predict}). */
  public Predict predict() {
    return predict;
  }

  /** This module bound to an LM. */
  public MultiChainComparison withLm(LanguageModel lm) {
    return new MultiChainComparison(m, lastKey, predict.withLm(lm));
  }

  /** This module with other per-call LM settings. */
  public MultiChainComparison withConfig(CallConfig config) {
    return new MultiChainComparison(m, lastKey, predict.withConfig(config));
  }

  /**
   * Compares these attempts (each with {@code rationale} or {@code reasoning} and the task's last
   * output) for these task inputs. Errors with {@link IllegalArgumentException} (before any LM
   * call) when there are not exactly {@code M} attempts or an attempt lacks a field; otherwise as
   * {@link Predict#call}.
   */
  public Mono<Prediction> call(List<? extends Map<String, ?>> completions, Map<String, ?> inputs) {
    Objects.requireNonNull(completions, "completions must not be null");
    Objects.requireNonNull(inputs, "inputs must not be null");
    var values = new LinkedHashMap<String, Object>();
    try {
      List<String> attempts = attempts(completions);
      for (int i = 0; i < attempts.size(); i++)
        values.put("reasoning_attempt_" + (i + 1), attempts.get(i));
    } catch (IllegalArgumentException e) {
      return Mono.error(e);
    }
    values.putAll(inputs);
    values.remove(COMPLETIONS);
    return predict.call(values);
  }

  /**
   * Like DSPy's {@code mcc(completions=..., **inputs)}: the attempts under the key {@value
   * #COMPLETIONS} (a list of field maps, or a {@link Prediction} whose completions are compared).
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    Object given = inputs.get(COMPLETIONS);
    if (given instanceof Prediction p) return call(p.completions(), inputs);
    if (given instanceof List<?> list && list.stream().allMatch(c -> c instanceof Map)) {
      @SuppressWarnings("unchecked")
      var completions = (List<? extends Map<String, ?>>) list;
      return call(completions, inputs);
    }
    return Mono.error(
        new IllegalArgumentException(
            "MultiChainComparison needs the attempts under '"
                + COMPLETIONS
                + "' (a list of field maps or a Prediction)"));
  }

  private List<String> attempts(List<? extends Map<String, ?>> completions) {
    var attempts = new ArrayList<String>();
    for (var c : completions) {
      Objects.requireNonNull(c, "completions must not contain null");
      Object rationale = c.containsKey("rationale") ? c.get("rationale") : c.get("reasoning");
      if (rationale == null) {
        throw new IllegalArgumentException(
            "an attempt has neither 'rationale' nor 'reasoning'; its fields are " + c.keySet());
      }
      if (!c.containsKey(lastKey)) {
        throw new IllegalArgumentException(
            "an attempt has no '" + lastKey + "'; its fields are " + c.keySet());
      }
      attempts.add(
          "«I'm trying to "
              + firstLine(rationale)
              + " I'm not sure but my prediction is "
              + firstLine(c.get(lastKey))
              + "»");
    }
    if (attempts.size() != m) {
      throw new IllegalArgumentException(
          "The number of attempts ("
              + attempts.size()
              + ") doesn't match the expected number M ("
              + m
              + "). Please set the correct value for M when"
              + " initializing MultiChainComparison.");
    }
    return attempts;
  }

  /** Python's {@code str(v).strip().split("\n")[0].strip()}. */
  private static String firstLine(@Nullable Object value) {
    String s = PyText.strip(value instanceof String str ? str : PyJson.render(value));
    int nl = s.indexOf('\n');
    return PyText.strip(nl < 0 ? s : s.substring(0, nl));
  }

  @Override
  public String toString() {
    return "MultiChainComparison(M=" + m + ", " + predict + ")";
  }
}
