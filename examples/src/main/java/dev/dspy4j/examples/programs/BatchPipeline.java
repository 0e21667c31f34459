package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.batch.Batch;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchProgress;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;

/**
 * Many questions through a bounded-concurrency pipeline (DSPy's {@code module.batch}), with a
 * progress bar in the terminal: done/total, calls in flight, rate and ETA.
 */
public final class BatchPipeline implements Example {

  static final int QUESTIONS = 100;
  static final int CONCURRENCY = 8;

  @Override
  public String name() {
    return "batch";
  }

  @Override
  public String summary() {
    return QUESTIONS + " questions, at most " + CONCURRENCY + " in flight, with a progress bar";
  }

  @Override
  public Duration localTokenDelay() {
    return Duration.ofMillis(
        5); // each local answer takes a few hundred ms, so the bar can be watched
  }

  @Override
  public boolean localGatewayPrintsRequests() {
    return false; // a hundred request lines would break up the progress bar
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    var out = runtime.out();

    Predict qa = Predict.of("question -> answer");
    // A Flux of inputs: a generator of millions would do as well, inputs are pulled as slots free
    // up.
    Flux<Map<String, String>> questions =
        Flux.range(1, QUESTIONS).map(i -> Map.of("question", "What is " + i + " squared?"));
    var bar = new ProgressBar(out);
    var last = new AtomicReference<BatchProgress>();

    List<Prediction> answers =
        Batch.<Map<String, String>, Prediction>run(
                questions,
                qa::call,
                BatchOptions.builder()
                    .concurrency(CONCURRENCY)
                    .expectedTotal(QUESTIONS)
                    .onProgress(
                        progress -> {
                          last.set(progress);
                          bar.show(progress);
                        })
                    .build())
            .map(
                result ->
                    result
                        .output()
                        .orElseThrow()) // fail fast: a failed call ends the run with its error
            .collectList()
            .block();

    out.println();
    BatchProgress end = last.get();
    out.println(
        answers.size()
            + " answers in "
            + end.elapsed().toMillis()
            + " ms, at most "
            + end.peakInFlight()
            + " calls in flight");
    IntStream.of(0, answers.size() - 1)
        .forEach(
            i ->
                out.println(
                    "  What is " + (i + 1) + " squared? -> " + answers.get(i).get("answer")));
    return answers.size() == QUESTIONS ? 0 : 1;
  }
}
