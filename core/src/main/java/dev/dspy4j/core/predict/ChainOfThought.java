package dev.dspy4j.core.predict;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reasons step by step before answering, like {@code dspy.ChainOfThought}: a {@link Predict} whose
 * signature gets an output field {@code reasoning} (str, no description) before all other outputs,
 * keeping the original instructions. Thread-safe; as for any Predict, the inner predictor's learned
 * state ({@link #predict()}, named {@code predict} by {@link Module#namedPredictors()}) is replaced
 * in place by {@code load} and optimizers, and every {@code with...} returns a copy.
 *
 * <pre>{@code
 * ChainOfThought cot = ChainOfThought.of("question -> answer");
 * cot.call(Map.of("question", "What is 2+2?")).map(p -> p.get("reasoning") + " => " + p.get("answer"));
 * }</pre>
 */
public final class ChainOfThought implements Module {

  private final Predict predict;

  private ChainOfThought(Predict predict) {
    this.predict = predict;
  }

  /** A ChainOfThought for a string signature. */
  public static ChainOfThought of(String signature) {
    return of(Signature.parse(signature));
  }

  /** A ChainOfThought for this signature. */
  public static ChainOfThought of(Signature signature) {
    return new ChainOfThought(Predict.of(extend(signature)));
  }

  static Signature extend(Signature signature) {
    return signature.prepend(Field.output("reasoning", FieldType.STR));
  }

  /** The underlying Predict (its signature includes {@code reasoning}). */
  public Predict predict() {
    return predict;
  }

  /** The extended signature, with {@code reasoning} first among the outputs. */
  public Signature signature() {
    return predict.signature();
  }

  /** This module with few-shot demos (which may include a {@code reasoning} value). */
  public ChainOfThought withDemos(List<Example> demos) {
    return new ChainOfThought(predict.withDemos(demos));
  }

  /** This module bound to an LM. */
  public ChainOfThought withLm(LanguageModel lm) {
    return new ChainOfThought(predict.withLm(lm));
  }

  /** This module with these per-call settings. */
  public ChainOfThought withConfig(CallConfig config) {
    return new ChainOfThought(predict.withConfig(config));
  }

  /** This module with a sampling temperature. */
  public ChainOfThought withTemperature(double temperature) {
    return new ChainOfThought(predict.withTemperature(temperature));
  }

  /** This module asking for {@code n} choices. */
  public ChainOfThought withN(int n) {
    return new ChainOfThought(predict.withN(n));
  }

  /** This module with a completion token limit. */
  public ChainOfThought withMaxTokens(int maxTokens) {
    return new ChainOfThought(predict.withMaxTokens(maxTokens));
  }

  /** This module with another adapter (see {@link Predict#withAdapter}). */
  public ChainOfThought withAdapter(dev.dspy4j.core.adapter.Adapter adapter) {
    return new ChainOfThought(predict.withAdapter(adapter));
  }

  /** This module with the cache switched on or off. */
  public ChainOfThought withCache(boolean cache) {
    return new ChainOfThought(predict.withCache(cache));
  }

  /**
   * This module running under a session path segment: its LM calls send the caller's Helicone
   * session path with {@code /segment} appended and its stream's chunks carry the segment in their
   * path. See {@link Predict#withSessionPath}.
   *
   * @throws IllegalArgumentException when the segment is blank or not a valid header value
   */
  @Override
  public ChainOfThought withSessionPath(String segment) {
    return new ChainOfThought(predict.withSessionPath(segment));
  }

  /**
   * Runs the module; emits a Prediction with {@code reasoning} and the outputs. See {@link
   * Predict#call}.
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    return predict.call(inputs);
  }

  /**
   * Streams {@code reasoning} then the other outputs, then one Done. See {@link Predict#stream(Map,
   * String...)}.
   */
  @Override
  public Flux<StreamEvent> stream(Map<String, ?> inputs) {
    return predict.stream(inputs);
  }

  /** Streams the chosen fields, then one Done. See {@link Predict#stream(Map, String...)}. */
  public Flux<StreamEvent> stream(Map<String, ?> inputs, String... fields) {
    return predict.stream(inputs, fields);
  }

  @Override
  public String toString() {
    return "ChainOfThought" + predict.toString().substring("Predict".length());
  }
}
