package dev.dspy4j.core.optimize;

import dev.dspy4j.core.evaluate.Evaluate;
import dev.dspy4j.core.evaluate.EvaluationResult;
import dev.dspy4j.core.evaluate.Metric;
import dev.dspy4j.core.optimize.internal.PyRandom;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code BootstrapFewShotWithRandomSearch} ({@code BootstrapRS}): compiles candidate
 * programs and keeps the one with the best score on a validation set. Candidates by seed, as DSPy:
 * -3 the program as it is (zero-shot), -2 {@link LabeledFewShot}, -1 {@link BootstrapFewShot} on
 * the trainset in order, then seeds 0, 1, ... each bootstrapping from the trainset shuffled with
 * {@code Random(seed)} and at most {@code Random(seed).randint(1, maxBootstrappedDemos)} demos.
 * Each candidate is scored by {@link Evaluate}; the first candidate with the highest score wins;
 * {@code stopAtScore} ends the search early. Candidates are compiled one after another, each with
 * the bootstrap's and the evaluation's own concurrency. Cancelling cancels every call.
 */
public final class BootstrapFewShotWithRandomSearch implements Optimizer {

  private static final Logger LOG = LoggerFactory.getLogger(BootstrapFewShotWithRandomSearch.class);

  private final BootstrapFewShot bootstrap;
  private final Metric metric;
  private final int maxBootstrappedDemos;
  private final int maxLabeledDemos;
  private final int numCandidatePrograms;
  private final int concurrency;
  private final int maxErrors;
  private final @Nullable Double stopAtScore;
  private final @Nullable List<Example> valset;

  private BootstrapFewShotWithRandomSearch(Builder b) {
    this.metric = b.metric;
    this.maxBootstrappedDemos = b.maxBootstrappedDemos;
    this.maxLabeledDemos = b.maxLabeledDemos;
    this.numCandidatePrograms = b.numCandidatePrograms;
    this.concurrency = b.concurrency;
    this.maxErrors = b.maxErrors;
    this.stopAtScore = b.stopAtScore;
    this.valset = b.valset;
    this.bootstrap =
        b.bootstrap
            .maxBootstrappedDemos(b.maxBootstrappedDemos)
            .maxLabeledDemos(b.maxLabeledDemos)
            .maxErrors(b.maxErrors)
            .concurrency(b.concurrency)
            .build();
  }

  /** A builder with DSPy's defaults: 16 candidates, 4 bootstrapped and 16 labelled demos. */
  public static Builder builder(Metric metric) {
    return new Builder(metric);
  }

  /** One candidate of the search: its seed, its validation score and the compiled program. */
  public record Candidate<P>(int seed, double score, P program) {}

  @Override
  public <P extends Module> Mono<P> compile(Supplier<? extends P> program, List<Example> trainset) {
    return search(program, trainset).map(candidates -> candidates.get(0).program());
  }

  /**
   * Runs the search and emits every candidate evaluated, best first (ties in seed order): the first
   * is what {@link #compile} returns (DSPy's {@code candidate_programs}).
   */
  public <P extends Module> Mono<List<Candidate<P>>> search(
      Supplier<? extends P> program, List<Example> trainset) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(trainset, "trainset must not be null");
    List<Example> validation = valset != null ? valset : trainset;
    var candidates = new ArrayList<Candidate<P>>();
    return Flux.range(-3, numCandidatePrograms + 3)
        .concatMap(
            seed ->
                candidate(seed, program, trainset)
                    .flatMap(
                        p ->
                            Evaluate.of(validation, metric)
                                .withConcurrency(concurrency)
                                .withMaxErrors(maxErrors)
                                .run(p)
                                .map(EvaluationResult::score)
                                .map(score -> new Candidate<P>(seed, score, p))))
        .doOnNext(
            c -> {
              boolean best = candidates.stream().allMatch(o -> c.score() > o.score());
              candidates.add(c);
              LOG.info(
                  "Candidate seed {}: score {}{}", c.seed(), c.score(), best ? " (new best)" : "");
            })
        .takeUntil(c -> stopAtScore != null && c.score() >= stopAtScore)
        .then(
            Mono.fromSupplier(
                () -> {
                  var sorted = new ArrayList<>(candidates);
                  sorted.sort(Comparator.comparingDouble((Candidate<P> c) -> c.score()).reversed());
                  return List.copyOf(sorted);
                }));
  }

  private <P extends Module> Mono<P> candidate(
      int seed, Supplier<? extends P> program, List<Example> trainset) {
    if (seed == -3) {
      return Mono.fromSupplier(program::get);
    }
    if (seed == -2) {
      return LabeledFewShot.of(maxLabeledDemos).compile(program, trainset);
    }
    if (seed == -1) {
      return bootstrap.compile(program, trainset);
    }
    var shuffled = new ArrayList<>(trainset);
    new PyRandom(seed).shuffle(shuffled);
    int size = new PyRandom(seed).randint(1, Math.max(1, maxBootstrappedDemos));
    return bootstrap.withMaxBootstrappedDemos(size).compile(program, shuffled);
  }

  /** Settings of a {@link BootstrapFewShotWithRandomSearch}; DSPy's names and defaults. */
  public static final class Builder {
    private final Metric metric;
    private final BootstrapFewShot.Builder bootstrap;
    private int maxBootstrappedDemos = 4;
    private int maxLabeledDemos = 16;
    private int numCandidatePrograms = 16;
    private int concurrency = 8;
    private int maxErrors = 10;
    private @Nullable Double stopAtScore;
    private @Nullable List<Example> valset;

    private Builder(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric must not be null");
      this.bootstrap = BootstrapFewShot.builder(metric);
    }

    /** Bootstrapped demos of the -1 candidate, and the most a seeded candidate draws; default 4. */
    public Builder maxBootstrappedDemos(int max) {
      if (max < 1)
        throw new IllegalArgumentException("maxBootstrappedDemos must be at least 1, was " + max);
      this.maxBootstrappedDemos = max;
      return this;
    }

    /** Demos per predictor in all; default 16. */
    public Builder maxLabeledDemos(int max) {
      if (max < 0)
        throw new IllegalArgumentException("maxLabeledDemos must not be negative, was " + max);
      this.maxLabeledDemos = max;
      return this;
    }

    /** Seeded candidates after the three fixed ones; default 16. */
    public Builder numCandidatePrograms(int n) {
      if (n < 0)
        throw new IllegalArgumentException("numCandidatePrograms must not be negative, was " + n);
      this.numCandidatePrograms = n;
      return this;
    }

    /** Calls in flight while bootstrapping and evaluating a candidate; default 8. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1)
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      this.concurrency = concurrency;
      return this;
    }

    /** Errors allowed per bootstrap and per evaluation; default 10. */
    public Builder maxErrors(int maxErrors) {
      if (maxErrors < 1)
        throw new IllegalArgumentException("maxErrors must be at least 1, was " + maxErrors);
      this.maxErrors = maxErrors;
      return this;
    }

    /** Stops the search at the first candidate scoring at least this (0..100). */
    public Builder stopAtScore(double score) {
      this.stopAtScore = score;
      return this;
    }

    /** Scores candidates on this set instead of the trainset (DSPy's {@code valset}). */
    public Builder valset(List<Example> valset) {
      this.valset = List.copyOf(valset);
      return this;
    }

    /** A run passes when its score reaches this while bootstrapping. */
    public Builder metricThreshold(double threshold) {
      bootstrap.metricThreshold(threshold);
      return this;
    }

    /** Attempts per example while bootstrapping; default 1. */
    public Builder maxRounds(int rounds) {
      bootstrap.maxRounds(rounds);
      return this;
    }

    public BootstrapFewShotWithRandomSearch build() {
      return new BootstrapFewShotWithRandomSearch(this);
    }
  }
}
