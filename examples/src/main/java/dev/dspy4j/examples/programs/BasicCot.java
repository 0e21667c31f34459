package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/** The page's "Basic Chain of Thought". */
public final class BasicCot implements Example {

  /** The page's question. */
  public static final String QUESTION =
      "How many floors are in the castle David Gregory inherited?";

  @Override
  public String name() {
    return "basic-cot";
  }

  @Override
  public String summary() {
    return "ChainOfThought question -> answer; prints Answer and Reasoning";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);

    ChainOfThought qa = ChainOfThought.of("question -> answer");
    Prediction response = qa.call(Map.of("question", QUESTION)).block();

    runtime.out().println("Answer: " + response.get("answer"));
    runtime.out().println("Reasoning: " + response.get("reasoning"));
    return 0;
  }
}
