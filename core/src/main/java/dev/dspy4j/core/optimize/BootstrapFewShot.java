package dev.dspy4j.core.optimize;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.evaluate.Metric;
import dev.dspy4j.core.evaluate.internal.ProgressPrinter;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.optimize.internal.PyRandom;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.internal.Rollout;
import dev.dspy4j.core.predict.internal.Trace;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code BootstrapFewShot}: a teacher program (the program itself, first given up to {@code
 * maxLabeledDemos} labelled demos by {@link LabeledFewShot}) runs on the trainset in order; each
 * run the metric passes becomes, for every predictor that took part, one augmented demo (its inputs
 * and outputs, reasoning included) — until {@code maxBootstrappedDemos} examples succeeded. The
 * compiled student's predictors get their augmented demos, then raw labelled demos sampled from the
 * examples that were not bootstrapped, up to {@code maxLabeledDemos} in all, as DSPy samples them
 * ({@code Random(0)}, the raw pool shrinking from predictor to predictor).
 *
 * <p>Reactive: up to {@link Builder#concurrency} teacher runs in flight (results are taken in
 * trainset order, so the demos are the same at any concurrency; runs past the last one needed are
 * cancelled). A round after the first uses a rollout id and temperature 1.0 so the cache does not
 * return the same answer. Cancelling cancels every LM call.
 *
 * <pre>{@code
 * Mono<Rag> compiled = BootstrapFewShot.builder(Metrics.answerExactMatch())
 *     .maxBootstrappedDemos(4).maxLabeledDemos(16).build()
 *     .compile(Rag::new, trainset);
 * }</pre>
 */
public final class BootstrapFewShot implements Optimizer {

  private static final Logger LOG = LoggerFactory.getLogger(BootstrapFewShot.class);

  private final Metric metric;
  private final @Nullable Double metricThreshold;
  private final int maxBootstrappedDemos;
  private final int maxLabeledDemos;
  private final int maxRounds;
  private final int maxErrors;
  private final int concurrency;
  private final @Nullable Supplier<? extends Module> teacher;
  private final @Nullable LanguageModel teacherLm;
  private final @Nullable PrintStream progress;

  private BootstrapFewShot(Builder b) {
    this.metric = b.metric;
    this.metricThreshold = b.metricThreshold;
    this.maxBootstrappedDemos = b.maxBootstrappedDemos;
    this.maxLabeledDemos = b.maxLabeledDemos;
    this.maxRounds = b.maxRounds;
    this.maxErrors = b.maxErrors;
    this.concurrency = b.concurrency;
    this.teacher = b.teacher;
    this.teacherLm = b.teacherLm;
    this.progress = b.progress;
  }

  /** A builder with DSPy's defaults: 4 bootstrapped and 16 labelled demos, 1 round, 10 errors. */
  public static Builder builder(Metric metric) {
    return new Builder(metric);
  }

  /**
   * A BootstrapFewShot like this one with another cap on bootstrapped demos (used by random
   * search).
   */
  BootstrapFewShot withMaxBootstrappedDemos(int max) {
    var b = new Builder(metric);
    b.metricThreshold = metricThreshold;
    b.maxBootstrappedDemos = max;
    b.maxLabeledDemos = maxLabeledDemos;
    b.maxRounds = maxRounds;
    b.maxErrors = maxErrors;
    b.concurrency = concurrency;
    b.teacher = teacher;
    b.teacherLm = teacherLm;
    b.progress = progress;
    return new BootstrapFewShot(b);
  }

  @Override
  public <P extends Module> Mono<P> compile(Supplier<? extends P> program, List<Example> trainset) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(trainset, "trainset must not be null");
    return Mono.defer(
        () -> {
          P student = Objects.requireNonNull(program.get(), "the program factory returned null");
          Supplier<? extends Module> teachers = teacher != null ? teacher : program;
          Map<String, List<Example>> teacherDemos = teacherDemos(teachers, trainset);
          requireSameStructure(student, teachers.get());
          var run = new Run(teachers, teacherDemos, student.namedPredictors().keySet());
          return ProgressPrinter.using(
              progress,
              printer ->
                  run.bootstrap(trainset, printer)
                      .flatMap(bootstrapped -> printer.endLine().thenReturn(bootstrapped))
                      .map(bootstrapped -> train(student, trainset, bootstrapped, run.traces)));
        });
  }

  /**
   * The teacher's demos per predictor: the factory's, or LabeledFewShot's when labelled demos are
   * allowed.
   */
  private Map<String, List<Example>> teacherDemos(
      Supplier<? extends Module> teachers, List<Example> trainset) {
    Module probe = Objects.requireNonNull(teachers.get(), "the teacher factory returned null");
    if (maxLabeledDemos > 0) {
      LabeledFewShot.of(maxLabeledDemos).applyTo(probe, trainset);
    }
    var demos = new LinkedHashMap<String, List<Example>>();
    probe.namedPredictors().forEach((name, p) -> demos.put(name, p.demos()));
    return demos;
  }

  private static void requireSameStructure(Module student, Module teacher) {
    Map<String, Predict> s = student.namedPredictors();
    Map<String, Predict> t = teacher.namedPredictors();
    if (!List.copyOf(s.keySet()).equals(List.copyOf(t.keySet()))) {
      throw new IllegalArgumentException(
          "Student and teacher must have the same program structure: student "
              + s.keySet()
              + ", teacher "
              + t.keySet());
    }
    s.forEach(
        (name, p) -> {
          if (!p.signature().equals(t.get(name).signature())) {
            throw new IllegalArgumentException(
                "Student and teacher must have the same signatures: "
                    + name
                    + " is "
                    + p.signature()
                    + " in the student and "
                    + t.get(name).signature()
                    + " in the teacher");
          }
        });
  }

  private <P extends Module> P train(
      P student,
      List<Example> trainset,
      List<Integer> bootstrapped,
      Map<String, List<Example>> traces) {
    var validation = new ArrayList<Example>();
    for (int i = 0; i < trainset.size(); i++) {
      if (!bootstrapped.contains(i)) validation.add(trainset.get(i));
    }
    new PyRandom(0).shuffle(validation);
    var rng = new PyRandom(0);
    List<Example> raw = validation;
    for (Map.Entry<String, Predict> e : student.namedPredictors().entrySet()) {
      List<Example> all = traces.getOrDefault(e.getKey(), List.of());
      List<Example> augmented = all.subList(0, Math.min(maxBootstrappedDemos, all.size()));
      int sampleSize = Math.max(0, Math.min(maxLabeledDemos - augmented.size(), raw.size()));
      raw = rng.sample(raw, sampleSize);
      var demos = new ArrayList<Example>(augmented);
      demos.addAll(raw);
      e.getValue().updateState(s -> s.withDemos(demos));
    }
    return student;
  }

  /** One compile's bootstrapping: the traces kept per predictor name, errors counted. */
  private final class Run {
    private final Supplier<? extends Module> teachers;
    private final Map<String, List<Example>> teacherDemos;
    private final Map<String, List<Example>> traces = new LinkedHashMap<>();
    private final AtomicInteger errors = new AtomicInteger();
    private int attempts;

    Run(
        Supplier<? extends Module> teachers,
        Map<String, List<Example>> teacherDemos,
        Iterable<String> names) {
      this.teachers = teachers;
      this.teacherDemos = teacherDemos;
      names.forEach(n -> traces.put(n, new ArrayList<>()));
    }

    /** Emits the trainset indices that were bootstrapped, in order. */
    Mono<List<Integer>> bootstrap(List<Example> trainset, ProgressPrinter printer) {
      var bootstrapped = new ArrayList<Integer>();
      if (maxBootstrappedDemos <= 0) {
        return Mono.just(bootstrapped);
      }
      return Flux.range(0, trainset.size())
          .flatMapSequential(i -> rounds(i, trainset.get(i)), concurrency, 1)
          .concatMap(
              outcome -> {
                attempts += outcome.attempts();
                for (Throwable error : outcome.errors()) {
                  if (errors.incrementAndGet() >= maxErrors) {
                    return Mono.error(error);
                  }
                  LOG.error(
                      "Failed to run or to evaluate example {} with {} due to {}.",
                      outcome.index(),
                      metric.name(),
                      error.toString());
                }
                outcome
                    .traces()
                    .ifPresent(
                        kept -> {
                          bootstrapped.add(outcome.index());
                          kept.forEach((name, demo) -> traces.get(name).add(demo));
                        });
                showProgress(printer, outcome.index() + 1, trainset.size(), bootstrapped.size());
                return Mono.just(bootstrapped.size());
              })
          .takeUntil(count -> count >= maxBootstrappedDemos)
          .then(
              Mono.fromSupplier(
                  () -> {
                    LOG.info(
                        "Bootstrapped {} full traces for up to {} rounds, amounting to {} attempts.",
                        bootstrapped.size(),
                        maxRounds,
                        attempts);
                    return bootstrapped;
                  }));
    }

    /** Up to maxRounds attempts at one example, stopping at the first success. */
    private Mono<Outcome> rounds(int index, Example example) {
      var failures = new ArrayList<Throwable>();
      return Flux.range(0, maxRounds)
          .concatMap(
              round ->
                  attempt(example, round)
                      .map(Optional::of)
                      .defaultIfEmpty(Optional.<Map<String, Example>>empty())
                      .onErrorResume(
                          e -> {
                            failures.add(e);
                            return Mono.just(Optional.<Map<String, Example>>empty());
                          }))
          .takeUntil(Optional::isPresent)
          .collectList()
          .map(
              results ->
                  new Outcome(
                      index,
                      results.size(),
                      List.copyOf(failures),
                      results.get(results.size() - 1)));
    }

    /**
     * One teacher run: a fresh teacher whose demos leave out this example, recorded by a trace; the
     * kept demo per predictor when the metric passes, empty when it does not.
     */
    private Mono<Map<String, Example>> attempt(Example example, int round) {
      return Mono.defer(
          () -> {
            Module teacherProgram =
                Objects.requireNonNull(teachers.get(), "the teacher factory returned null");
            Map<String, Predict> named = teacherProgram.namedPredictors();
            named.forEach(
                (name, p) ->
                    p.updateState(
                        s ->
                            s.withDemos(
                                teacherDemos.getOrDefault(name, List.of()).stream()
                                    .filter(d -> !d.values().equals(example.values()))
                                    .toList())));
            var predictorNames = new IdentityHashMap<Predict, String>();
            named.forEach((name, p) -> predictorNames.put(p, name));
            var trace = new Trace();
            Mono<Prediction> run = teacherProgram.call(example.inputs());
            if (round > 0) {
              // DSPy's lm.copy(rollout_id=round, temperature=1.0): a new cache key and a sampled
              // answer.
              run = run.contextWrite(new Rollout(Integer.toString(round), 1.0).into());
            }
            if (teacherLm != null) {
              run = run.contextWrite(Dspy.withLm(teacherLm));
            }
            return run.contextWrite(trace.into())
                .flatMap(prediction -> metric.score(example, prediction))
                .flatMap(
                    score ->
                        passes(score) ? Mono.just(keptDemos(trace, predictorNames)) : Mono.empty());
          });
    }
  }

  /** One progress line, rewritten in place, printed in order off the event loop. */
  private void showProgress(ProgressPrinter printer, int done, int total, int bootstrapped) {
    printer.print(
        "\rBootstrapping: "
            + done
            + "/"
            + total
            + " examples run, "
            + bootstrapped
            + "/"
            + maxBootstrappedDemos
            + " full traces");
  }

  private boolean passes(double score) {
    return metricThreshold != null ? score >= metricThreshold : metric.passed(score);
  }

  /**
   * The demo kept per predictor: the trace steps as augmented examples ({@code augmented=true}, the
   * inputs, then the outputs); of several steps of one predictor, one is chosen as DSPy chooses (a
   * coin flip between the last step and a random earlier one), seeded from the steps themselves.
   */
  private static Map<String, Example> keptDemos(Trace trace, Map<Predict, String> names) {
    var steps = new LinkedHashMap<String, List<Example>>();
    for (Trace.Step step : trace.steps()) {
      String name = names.get(step.predictor());
      if (name == null) continue; // a predictor outside the program's named ones (as DSPy skips it)
      var values = new LinkedHashMap<String, Object>();
      values.put("augmented", true);
      values.putAll(step.inputs());
      values.putAll(step.prediction().fields());
      steps.computeIfAbsent(name, n -> new ArrayList<>()).add(Example.of(values));
    }
    var kept = new LinkedHashMap<String, Example>();
    steps.forEach(
        (name, demos) -> {
          if (demos.size() == 1) {
            kept.put(name, demos.get(0));
          } else {
            var rng = new PyRandom(demos.toString().hashCode());
            kept.put(
                name,
                rng.random() < 0.5
                    ? rng.choice(demos.subList(0, demos.size() - 1))
                    : demos.get(demos.size() - 1));
          }
        });
    return kept;
  }

  private record Outcome(
      int index, int attempts, List<Throwable> errors, Optional<Map<String, Example>> traces) {}

  /** Settings of a {@link BootstrapFewShot}; DSPy's names and defaults. */
  public static final class Builder {
    private final Metric metric;
    private @Nullable Double metricThreshold;
    private int maxBootstrappedDemos = 4;
    private int maxLabeledDemos = 16;
    private int maxRounds = 1;
    private int maxErrors = 10;
    private int concurrency = 1;
    private @Nullable Supplier<? extends Module> teacher;
    private @Nullable LanguageModel teacherLm;
    private @Nullable PrintStream progress;

    private Builder(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric must not be null");
    }

    /**
     * A run passes when its score reaches this, instead of the metric's own {@link Metric#passed}.
     */
    public Builder metricThreshold(double threshold) {
      this.metricThreshold = threshold;
      return this;
    }

    /** At most this many examples are bootstrapped (and demos kept per predictor); default 4. */
    public Builder maxBootstrappedDemos(int max) {
      this.maxBootstrappedDemos = nonNegative("maxBootstrappedDemos", max);
      return this;
    }

    /** Demos per predictor in all, raw labelled ones filling up after the augmented; default 16. */
    public Builder maxLabeledDemos(int max) {
      this.maxLabeledDemos = nonNegative("maxLabeledDemos", max);
      return this;
    }

    /**
     * Attempts per example; rounds after the first use a rollout id and temperature 1.0. Default 1.
     */
    public Builder maxRounds(int rounds) {
      if (rounds < 1)
        throw new IllegalArgumentException("maxRounds must be at least 1, was " + rounds);
      this.maxRounds = rounds;
      return this;
    }

    /** The compile errors with the teacher's error once this many runs failed; default 10. */
    public Builder maxErrors(int maxErrors) {
      if (maxErrors < 1)
        throw new IllegalArgumentException("maxErrors must be at least 1, was " + maxErrors);
      this.maxErrors = maxErrors;
      return this;
    }

    /** Teacher runs in flight at once; default 1 (DSPy runs them one after another). */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1)
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      this.concurrency = concurrency;
      return this;
    }

    /**
     * A factory of teacher programs (same structure as the student); default: the program's
     * factory.
     */
    public Builder teacher(Supplier<? extends Module> teacher) {
      this.teacher = Objects.requireNonNull(teacher, "teacher must not be null");
      return this;
    }

    /** The LM the teacher runs with (DSPy's {@code teacher_settings=dict(lm=...)}). */
    public Builder teacherLm(LanguageModel lm) {
      this.teacherLm = Objects.requireNonNull(lm, "lm must not be null");
      return this;
    }

    /**
     * Shows a progress line on {@code out} (e.g. {@code System.err}): examples run, traces found.
     */
    public Builder progress(PrintStream out) {
      this.progress = Objects.requireNonNull(out, "out must not be null");
      return this;
    }

    public BootstrapFewShot build() {
      return new BootstrapFewShot(this);
    }

    private static int nonNegative(String name, int value) {
      if (value < 0)
        throw new IllegalArgumentException(name + " must not be negative, was " + value);
      return value;
    }
  }
}
