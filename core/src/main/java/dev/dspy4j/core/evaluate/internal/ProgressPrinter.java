package dev.dspy4j.core.evaluate.internal;

import java.io.PrintStream;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Prints progress lines off the event loop, in the order they were given: one bounded-elastic
 * worker per run. With no stream to print to, every call does nothing.
 */
public final class ProgressPrinter {

  private final @Nullable PrintStream out;
  private final Scheduler.@Nullable Worker worker;

  private ProgressPrinter(@Nullable PrintStream out) {
    this.out = out;
    this.worker = out == null ? null : Schedulers.boundedElastic().createWorker();
  }

  /** Runs {@code body} with a printer to {@code out} (or a silent one), disposing it afterwards. */
  public static <T> Mono<T> using(
      @Nullable PrintStream out, Function<ProgressPrinter, Mono<T>> body) {
    return Mono.usingWhen(
        Mono.fromSupplier(() -> new ProgressPrinter(out)),
        body,
        printer -> Mono.fromRunnable(printer::dispose));
  }

  /** Prints {@code text} (no newline added) after everything printed before. */
  public void print(String text) {
    if (out == null || worker == null) return;
    PrintStream stream = out;
    worker.schedule(
        () -> {
          stream.print(text);
          stream.flush();
        });
  }

  /** Prints a newline after everything printed before, and completes once it is printed. */
  public Mono<Void> endLine() {
    if (out == null || worker == null) return Mono.empty();
    PrintStream stream = out;
    Scheduler.Worker w = worker;
    return Mono.create(
        sink ->
            w.schedule(
                () -> {
                  stream.println();
                  sink.success();
                }));
  }

  private void dispose() {
    if (worker != null) worker.dispose();
  }
}
