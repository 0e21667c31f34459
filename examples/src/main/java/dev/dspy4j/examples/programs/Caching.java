package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/** The page's "Caching": {@code cache=True}, DSPy's client-side cache. */
public final class Caching implements Example {

  @Override
  public String name() {
    return "caching";
  }

  @Override
  public String summary() {
    return "the same question twice: the second answer comes from the client cache";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
            .cache(true)
            .build();
    Dspy.configure(lm);

    ChainOfThought qa = ChainOfThought.of("question -> answer");
    Map<String, String> question = Map.of("question", "What does caching save?");
    Prediction first = qa.call(question).block();
    Prediction second = qa.call(question).block();

    runtime
        .out()
        .println(
            "First:  "
                + first.get("answer")
                + (first.cacheHit() ? " (from the cache)" : " (from the LM)"));
    runtime
        .out()
        .println(
            "Second: "
                + second.get("answer")
                + (second.cacheHit() ? " (from the cache)" : " (from the LM)"));
    return first.get("answer").equals(second.get("answer")) && second.cacheHit() ? 0 : 1;
  }
}
