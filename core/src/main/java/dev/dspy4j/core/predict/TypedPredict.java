package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.internal.JavaConversion;
import dev.dspy4j.core.batch.Batch;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchResult;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.signature.Signature;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link Predict} over records: the input record's components are the input fields, the output
 * record's components the output fields ({@link Signature#of(Class, Class)}). Thread-safe; the
 * learned state of {@link #predict()} is replaced in place by {@code load} and optimizers (a
 * program's TypedPredict field is named like a Predict field by {@link Module#namedPredictors()}).
 *
 * <pre>{@code
 * record Question(String question) {}  record Answer(String answer, double confidence) {}
 * TypedPredict<Question, Answer> qa = Predict.typed(Question.class, Answer.class);
 * Mono<Answer> a = qa.call(new Question("What is the capital of France?"));
 * }</pre>
 */
public final class TypedPredict<I, O> {

  private final Predict predict;
  private final Class<I> input;
  private final Class<O> output;

  TypedPredict(Predict predict, Class<I> input, Class<O> output) {
    this.predict = predict;
    this.input = input;
    this.output = output;
  }

  /** The untyped module underneath. */
  public Predict predict() {
    return predict;
  }

  /** The signature built from the two records. */
  public Signature signature() {
    return predict.signature();
  }

  /** This module bound to an LM. */
  public TypedPredict<I, O> withLm(LanguageModel lm) {
    return new TypedPredict<>(predict.withLm(lm), input, output);
  }

  /** This module with per-call settings. */
  public TypedPredict<I, O> withConfig(CallConfig config) {
    return new TypedPredict<>(predict.withConfig(config), input, output);
  }

  /**
   * This module running under a session path segment: its LM calls send the caller's Helicone
   * session path with {@code /segment} appended and its stream's chunks carry the segment in their
   * path. See {@link Predict#withSessionPath}.
   *
   * @throws IllegalArgumentException when the segment is blank or not a valid header value
   */
  public TypedPredict<I, O> withSessionPath(String segment) {
    return new TypedPredict<>(predict.withSessionPath(segment), input, output);
  }

  /** This module with demos given as input/output record pairs. */
  public TypedPredict<I, O> withDemos(List<Map.Entry<I, O>> demos) {
    Objects.requireNonNull(demos, "demos must not be null");
    var examples =
        demos.stream()
            .map(
                d -> {
                  var values = new LinkedHashMap<String, Object>(components(d.getKey()));
                  values.putAll(components(d.getValue()));
                  return Example.of(values);
                })
            .toList();
    return new TypedPredict<>(predict.withDemos(examples), input, output);
  }

  /**
   * Runs the module on a record. Emits the output record and completes; errors as {@link
   * Predict#call} does, or with {@code IllegalArgumentException} when an output value does not fit
   * its component. Lazy; cancelling cancels the LM call.
   */
  public Mono<O> call(I in) {
    Objects.requireNonNull(in, "input must not be null");
    return Mono.defer(() -> predict.call(components(in))).map(this::toOutput);
  }

  /**
   * Runs the module on every input record with at most {@code concurrency} calls in flight and
   * emits the output records in input order ({@link Batch#outputs}). Inputs are requested only as
   * slots free up. Errors with the first failed call's own error and cancels the calls in flight;
   * cancelling cancels the calls in flight.
   *
   * @throws IllegalArgumentException when {@code concurrency} is below 1
   */
  public Flux<O> batch(Publisher<? extends I> inputs, int concurrency) {
    return Batch.outputs(inputs, this::call, concurrency);
  }

  /**
   * Runs the module on every input record under {@code options} ({@link Batch#run}): one {@link
   * BatchResult} per input, carrying the input record and the output record or the error. Errors
   * with a {@code BatchFailedException} once {@code maxErrors} inputs failed; cancelling cancels
   * the calls in flight.
   */
  public Flux<BatchResult<I, O>> batch(Publisher<? extends I> inputs, BatchOptions options) {
    return Batch.run(inputs, this::call, options);
  }

  /**
   * Streams the output fields of a call, then one Done. See {@link Predict#stream(Map, String...)}.
   */
  public Flux<StreamEvent> stream(I in, String... fields) {
    Objects.requireNonNull(in, "input must not be null");
    return Flux.defer(() -> predict.stream(components(in), fields));
  }

  /** The output record of a prediction of this module. */
  public O toOutput(Prediction prediction) {
    Object[] args = new Object[output.getRecordComponents().length];
    Class<?>[] types = new Class<?>[args.length];
    int k = 0;
    for (RecordComponent c : output.getRecordComponents()) {
      types[k] = c.getType();
      args[k++] =
          JavaConversion.convert(prediction.value(c.getName()).orElse(null), c.getGenericType());
    }
    try {
      var ctor = output.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalArgumentException(
          "cannot build "
              + output.getSimpleName()
              + " from "
              + prediction
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build " + output.getSimpleName() + ": " + e, e);
    }
  }

  private static Map<String, Object> components(Object record) {
    Objects.requireNonNull(record, "record must not be null");
    var values = new LinkedHashMap<String, Object>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        Object v = accessor.invoke(record);
        if (v instanceof java.util.Optional<?> o) v = o.orElse(null);
        if (v != null) values.put(c.getName(), v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "cannot read " + c.getName() + " of " + record.getClass(), e);
      }
    }
    return values;
  }

  @Override
  public String toString() {
    return "TypedPredict(" + input.getSimpleName() + " -> " + output.getSimpleName() + ")";
  }
}
