package dev.dspy4j.core.optimize;

import dev.dspy4j.core.optimize.internal.PyRandom;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code LabeledFewShot(k)}: every predictor gets {@code k} examples of the trainset as
 * demos, drawn with {@code Random(0).sample} exactly as DSPy draws them (one generator for all
 * predictors, in {@link Module#namedPredictors()} order), or the first {@code k} when not sampling.
 * No LM calls.
 */
public final class LabeledFewShot implements Optimizer {

  private final int k;
  private final boolean sample;

  private LabeledFewShot(int k, boolean sample) {
    this.k = k;
    this.sample = sample;
  }

  /** {@code LabeledFewShot(k=16)}. */
  public static LabeledFewShot create() {
    return of(16);
  }

  /** {@code LabeledFewShot(k)}. */
  public static LabeledFewShot of(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, was " + k);
    }
    return new LabeledFewShot(k, true);
  }

  /** With {@code sample=false}: the first {@code k} examples instead of a random sample. */
  public LabeledFewShot withSample(boolean sample) {
    return new LabeledFewShot(k, sample);
  }

  @Override
  public <P extends Module> Mono<P> compile(Supplier<? extends P> program, List<Example> trainset) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(trainset, "trainset must not be null");
    return Mono.fromSupplier(
        () -> {
          P student = Objects.requireNonNull(program.get(), "the program factory returned null");
          applyTo(student, trainset);
          return student;
        });
  }

  /** Sets the demos of {@code student}'s predictors as {@link #compile} does. */
  void applyTo(Module student, List<Example> trainset) {
    if (trainset.isEmpty()) {
      return;
    }
    var rng = new PyRandom(0);
    int size = Math.min(k, trainset.size());
    for (Predict predictor : student.namedPredictors().values()) {
      List<Example> demos =
          sample ? rng.sample(trainset, size) : List.copyOf(trainset.subList(0, size));
      predictor.updateState(s -> s.withDemos(demos));
    }
  }
}
