package dev.dspy4j.core.evaluate;

import dev.dspy4j.core.batch.Batch;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchResult;
import dev.dspy4j.core.evaluate.internal.EvaluationOutputs;
import dev.dspy4j.core.evaluate.internal.ProgressPrinter;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Prediction;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * DSPy's {@code Evaluate}: runs a program on every example of a dev set (its {@link
 * Example#inputs()}) and scores each prediction with a {@link Metric}, through the batch runner: at
 * most {@linkplain #withConcurrency concurrency} calls in flight, rate-limit aware like every LM
 * call, an optional progress line with ETA, {@code maxErrors} and {@code failureScore} as in DSPy.
 *
 * <pre>{@code
 * Mono<EvaluationResult> run = Evaluate.of(devset, Metrics.answerExactMatch()).withConcurrency(16)
 *     .run(program);
 * run.map(EvaluationResult::score)     // 0..100, rounded to 2 decimals as DSPy rounds it
 *     .subscribe(score -> log.info("score {}", score));
 * }</pre>
 *
 * <p>Immutable: each {@code with...} returns a new Evaluate.
 */
public final class Evaluate {

  private static final Logger LOG = LoggerFactory.getLogger(Evaluate.class);

  private final List<Example> devset;
  private final Metric metric;
  private final int concurrency;
  private final int maxErrors;
  private final double failureScore;
  private final @Nullable PrintStream progress;
  private final @Nullable Path csv;
  private final @Nullable Path json;
  private final @Nullable PrintStream table;
  private final int tableRows;
  private final @Nullable EvaluationReporter reporter;

  private Evaluate(
      List<Example> devset,
      Metric metric,
      int concurrency,
      int maxErrors,
      double failureScore,
      @Nullable PrintStream progress,
      @Nullable Path csv,
      @Nullable Path json,
      @Nullable PrintStream table,
      int tableRows,
      @Nullable EvaluationReporter reporter) {
    this.devset = devset;
    this.metric = metric;
    this.concurrency = concurrency;
    this.maxErrors = maxErrors;
    this.failureScore = failureScore;
    this.progress = progress;
    this.csv = csv;
    this.json = json;
    this.table = table;
    this.tableRows = tableRows;
    this.reporter = reporter;
  }

  /**
   * An evaluation of {@code devset} with {@code metric}: concurrency 8 and at most 10 errors
   * (DSPy's {@code num_threads} and {@code max_errors} defaults), failure score 0.
   *
   * @throws IllegalArgumentException when the dev set is empty or an example has no inputs marked
   *     ({@link Example#withInputs})
   */
  public static Evaluate of(List<Example> devset, Metric metric) {
    Objects.requireNonNull(devset, "devset must not be null");
    Objects.requireNonNull(metric, "metric must not be null");
    if (devset.isEmpty()) {
      throw new IllegalArgumentException("devset must not be empty");
    }
    for (int i = 0; i < devset.size(); i++) {
      Example e = Objects.requireNonNull(devset.get(i), "devset must not contain null");
      if (e.inputKeys() == null) {
        throw new IllegalArgumentException(
            "devset example "
                + i
                + " has no inputs marked; use"
                + " example.withInputs(\"question\", ...) so Evaluate knows what to pass to the program");
      }
    }
    return new Evaluate(List.copyOf(devset), metric, 8, 10, 0.0, null, null, null, null, 0, null);
  }

  /** At most {@code concurrency} program calls in flight (DSPy's {@code num_threads}). */
  public Evaluate withConcurrency(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    }
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        json,
        table,
        tableRows,
        reporter);
  }

  /**
   * The run errors (with the batch runner's {@code BatchFailedException}, cancelling the calls in
   * flight) once {@code maxErrors} examples failed, as DSPy stops; below that a failed example
   * scores the failure score.
   */
  public Evaluate withMaxErrors(int maxErrors) {
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors must be at least 1, was " + maxErrors);
    }
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        json,
        table,
        tableRows,
        reporter);
  }

  /** The score of an example whose program call or metric failed (DSPy's {@code failure_score}). */
  public Evaluate withFailureScore(double failureScore) {
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        json,
        table,
        tableRows,
        reporter);
  }

  /**
   * Shows a one-line progress bar with ETA on {@code out} (e.g. {@code System.err}), rewritten in
   * place, like DSPy's {@code display_progress}. Printed off the event loop.
   */
  public Evaluate withProgress(PrintStream out) {
    Objects.requireNonNull(out, "out must not be null");
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        out,
        csv,
        json,
        table,
        tableRows,
        reporter);
  }

  /** Writes the rows as CSV to {@code file} after the run, as DSPy's {@code save_as_csv}. */
  public Evaluate saveAsCsv(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        file,
        json,
        table,
        tableRows,
        reporter);
  }

  /**
   * Writes the rows as a JSON array to {@code file} after the run, as DSPy's {@code save_as_json}.
   */
  public Evaluate saveAsJson(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        file,
        table,
        tableRows,
        reporter);
  }

  /**
   * Prints the first {@code maxRows} rows as a text table on {@code out} after the run, as DSPy's
   * {@code display_table}: example and prediction fields (cells cut to 25 words) and the metric
   * column shown as {@code ✔️ [0.750]}.
   */
  public Evaluate displayTable(PrintStream out, int maxRows) {
    Objects.requireNonNull(out, "out must not be null");
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, was " + maxRows);
    }
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        json,
        out,
        maxRows,
        reporter);
  }

  /**
   * After the run, hands the result to {@code reporter} (for example {@code HeliconeEvals}, which
   * posts each score to Helicone for the request it came from). Off by default.
   */
  public Evaluate reportTo(EvaluationReporter reporter) {
    Objects.requireNonNull(reporter, "reporter must not be null");
    return new Evaluate(
        devset,
        metric,
        concurrency,
        maxErrors,
        failureScore,
        progress,
        csv,
        json,
        table,
        tableRows,
        reporter);
  }

  /**
   * Evaluates {@code program}. The Mono emits one {@link EvaluationResult} and completes; it errors
   * with {@code BatchFailedException} once {@code maxErrors} examples failed, or with an {@link
   * java.io.UncheckedIOException} when an output file cannot be written. Cancelling cancels every
   * call in flight and starts no more.
   */
  public Mono<EvaluationResult> run(Module program) {
    Objects.requireNonNull(program, "program must not be null");
    return ProgressPrinter.using(
        progress,
        printer ->
            Batch.run(
                    Flux.fromIterable(devset),
                    (Example example) -> scoreOne(program, example),
                    options(printer))
                .collectList()
                .flatMap(results -> printer.endLine().thenReturn(results))
                .map(this::result)
                .flatMap(result -> writeOutputs(result).then(report(result)).thenReturn(result)));
  }

  private Mono<Scored> scoreOne(Module program, Example example) {
    return Mono.defer(() -> program.call(example.inputs()))
        .flatMap(
            prediction ->
                metric
                    .score(example, prediction)
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                new IllegalStateException(
                                    "metric " + metric.name() + " gave no score")))
                    .map(score -> new Scored(prediction, score)));
  }

  private BatchOptions options(ProgressPrinter printer) {
    var b =
        BatchOptions.builder()
            .concurrency(concurrency)
            .ordered(true)
            .returnFailed(true)
            .maxErrors(maxErrors)
            .expectedTotal(devset.size());
    if (progress != null) {
      b.onProgress(p -> printer.print("\r" + EvaluationOutputs.progressLine(p)));
    }
    return b.build();
  }

  private EvaluationResult result(List<BatchResult<Example, Scored>> results) {
    var rows = new ArrayList<EvaluationResult.Row>(results.size());
    double total = 0;
    for (BatchResult<Example, Scored> r : results) {
      EvaluationResult.Row row;
      if (r instanceof BatchResult.Success<Example, Scored> s) {
        row = new EvaluationResult.Row(r.input(), s.value().prediction(), s.value().score(), null);
      } else {
        row =
            new EvaluationResult.Row(
                r.input(), Prediction.of(Map.of()), failureScore, r.failure().orElse(null));
      }
      total += row.score();
      rows.add(row);
    }
    int n = devset.size();
    LOG.info(
        "Average Metric: {} / {} ({}%)",
        EvaluationOutputs.number(total), n, round(100 * total / n, 1));
    return new EvaluationResult(round(100 * total / n, 2), total, rows);
  }

  private Mono<Void> report(EvaluationResult result) {
    return reporter == null
        ? Mono.empty()
        : Mono.defer(() -> reporter.report(result, metric.name()));
  }

  private Mono<Void> writeOutputs(EvaluationResult result) {
    if (csv == null && json == null && table == null) {
      return Mono.empty();
    }
    return Mono.<Void>fromRunnable(
            () -> {
              var rows = EvaluationOutputs.rows(result, metric.name());
              if (csv != null) EvaluationOutputs.writeCsv(csv, rows);
              if (json != null) EvaluationOutputs.writeJson(json, rows);
              if (table != null)
                table.print(EvaluationOutputs.table(rows, metric.name(), tableRows));
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Python's {@code round(x, digits)}: the exact binary value, rounded half to even. */
  static double round(double x, int digits) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
  }

  private record Scored(Prediction prediction, double score) {}
}
