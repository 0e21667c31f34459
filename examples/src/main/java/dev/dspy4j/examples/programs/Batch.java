package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;

/** Many questions through a bounded-concurrency pipeline, with a progress bar. */
public final class Batch implements Example {

  static final int QUESTIONS = 40;
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
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    var out = runtime.out();
    List<Map<String, ?>> inputs = IntStream.rangeClosed(1, QUESTIONS)
        .mapToObj(i -> Map.<String, Object>of("question", "What is " + i + " squared?"))
        .collect(java.util.stream.Collectors.toList());
    var done = new AtomicInteger();

    var answers = Predict.of("question -> answer")
        .batch(Flux.fromIterable(inputs), CONCURRENCY)
        .doOnNext(p -> progress(out, done.incrementAndGet()))
        .collectList()
        .block();

    out.println();
    out.println(answers.size() + " answers; the first: " + answers.get(0).get("answer"));
    return answers.size() == QUESTIONS ? 0 : 1;
  }

  private static void progress(java.io.PrintStream out, int done) {
    int width = 30;
    int filled = done * width / QUESTIONS;
    out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + QUESTIONS);
    out.flush();
  }
}
