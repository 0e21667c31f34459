package dev.dspy4j.core.predict;

import dev.dspy4j.core.batch.Batch;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchResult;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.internal.ModulePath;
import dev.dspy4j.core.predict.internal.StreamChannel;
import dev.dspy4j.core.program.LoadOptions;
import dev.dspy4j.core.program.NamedPredictors;
import dev.dspy4j.core.program.ProgramFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A DSPy program: a lazy function from input field values to a {@link Prediction}, like {@code
 * dspy.Module.forward}. Implement {@link #call} to compose other modules with Reactor operators:
 *
 * <pre>{@code
 * Module rag = inputs -> retrieve(inputs.get("question"))
 *     .flatMap(context -> cot.withSessionPath("answer")
 *         .call(Map.of("context", context, "question", inputs.get("question"))));
 * }</pre>
 */
@FunctionalInterface
public interface Module {

  /**
   * Runs the program. The Mono emits one Prediction and completes, or errors; nothing happens until
   * subscription; cancelling cancels the LM calls in flight.
   */
  Mono<Prediction> call(Map<String, ?> inputs);

  /**
   * The program's progress as events: the {@link FieldChunk}s and {@link StreamEvent.Status}es of
   * whichever {@code Predict} or {@code ChainOfThought} beneath is running (each chunk tagged with
   * that sub-module's {@linkplain FieldChunk#path() path}), then exactly one {@link Done} with the
   * Prediction {@link #call} returns. For this, sub-modules called beneath stream their LM answers
   * instead of completing them. Errors as {@link #call} does; cancelling cancels the sub-modules'
   * LM streams. Sub-calls running at the same time interleave their chunks.
   */
  default Flux<StreamEvent> stream(Map<String, ?> inputs) {
    return StreamChannel.stream(Mono.defer(() -> call(inputs)));
  }

  /**
   * Runs the program on every input with at most {@code concurrency} calls in flight and emits the
   * predictions in input order ({@link Batch#outputs}). Inputs are requested only as slots free up.
   * Errors with the first failed call's own error and cancels the calls in flight; cancelling
   * cancels the calls in flight.
   *
   * @throws IllegalArgumentException when {@code concurrency} is below 1
   */
  default Flux<Prediction> batch(Publisher<? extends Map<String, ?>> inputs, int concurrency) {
    return Batch.outputs(inputs, this::call, concurrency);
  }

  /**
   * Runs the program on every input under {@code options} (concurrency, order, {@code maxErrors},
   * per-item timeout, failed items returned, progress; see {@link Batch#run}) and emits one {@link
   * BatchResult} per input. Errors with a {@code BatchFailedException} once {@code maxErrors}
   * inputs failed; cancelling cancels the calls in flight.
   */
  default Flux<BatchResult<Map<String, ?>, Prediction>> batch(
      Publisher<? extends Map<String, ?>> inputs, BatchOptions options) {
    return Batch.run(inputs, this::call, options);
  }

  /**
   * This module as a Flux operator, for {@code inputs.transform(module.operator(8))}: at most
   * {@code concurrency} calls in flight, predictions in input order.
   */
  default Function<Flux<? extends Map<String, ?>>, Flux<Prediction>> operator(int concurrency) {
    return flux -> batch(flux, concurrency);
  }

  /**
   * A composite program from a function of its inputs, whose Prediction reports the tokens of the
   * whole call: {@link Prediction#usage()} sums every LM call made beneath it, as DSPy's {@code
   * get_lm_usage()} (a plain lambda's {@code call} returns whatever its last step returned, and so
   * only that step's usage). Its {@code stream}, {@code batch} and {@code withSessionPath} report
   * the same sum, since they run its {@code call}.
   *
   * <pre>{@code
   * Module bot = Module.of(inputs -> retrieve.call(inputs)
   *     .flatMap(r -> answer.call(Map.of("query", r.get("query"), "question", inputs.get("question")))));
   * bot.call(inputs).map(Prediction::usage);   // retrieve's tokens + answer's tokens
   * }</pre>
   */
  static Module of(Module body) {
    java.util.Objects.requireNonNull(body, "body must not be null");
    return new Module() {
      @Override
      public Mono<Prediction> call(Map<String, ?> inputs) {
        return ProgramUsage.summed(Mono.defer(() -> body.call(inputs)));
      }

      @Override
      public String toString() {
        return "Module.of(" + body + ")";
      }
    };
  }

  /**
   * This module running under a session path segment: its LM calls send the Helicone session path
   * with {@code /segment} appended ({@code /support/chat} becomes {@code /support/chat/retrieve}),
   * and its stream's chunks carry the segment in their path. Replaces a segment set before.
   *
   * @throws IllegalArgumentException when the segment is blank or not a valid header value
   */
  default Module withSessionPath(String segment) {
    return new SessionPathModule(this, ModulePath.segment(segment));
  }

  /**
   * A Context change that runs the calls beneath under a session path segment, for steps of a
   * composite module that are not modules themselves: {@code
   * retrieve(question).contextWrite(Module.sessionPath("retrieve"))}. Same effect as {@link
   * #withSessionPath}.
   *
   * @throws IllegalArgumentException when the segment is blank or not a valid header value
   */
  static Function<Context, Context> sessionPath(String segment) {
    return ModulePath.child(ModulePath.segment(segment));
  }

  /**
   * The program's predictors by their DSPy names, in DSPy's order, like {@code named_predictors()}:
   * a bare Predict is {@code self}, a ChainOfThought's predictor {@code predict}, a class's fields
   * by their snake_case names ({@code generate_answer.predict}), lists as {@code hops[0]}. The
   * values are the program's own Predict objects: {@link Predict#setState} on them changes this
   * program. See {@link NamedPredictors}. Override to name predictors yourself.
   */
  default Map<String, Predict> namedPredictors() {
    return NamedPredictors.of(this);
  }

  /**
   * Writes the program's learned state to a {@code .json} file exactly as DSPy's {@code
   * program.save("x.json")} does, loadable by Python DSPy. Blocking file I/O. See {@link
   * ProgramFiles#save}.
   */
  default void save(Path path) {
    ProgramFiles.save(this, path);
  }

  /**
   * Replaces the learned state of the program's predictors with a file DSPy's {@code save} (or
   * {@link #save}) wrote: demos, instructions, field descriptions and prefixes. All or nothing; a
   * bad file throws a {@code ProgramLoadException} naming the problem. Blocking file I/O. See
   * {@link ProgramFiles#load}.
   */
  default void load(Path path) {
    load(path, LoadOptions.DEFAULTS);
  }

  /** Like {@link #load(Path)}, with options (e.g. keeping unsafe LM keys of a trusted file). */
  default void load(Path path, LoadOptions options) {
    ProgramFiles.load(this, path, options);
  }
}
