package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.BestOfN;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Majority;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.Reward;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/**
 * Trading tokens for quality (DSPy's {@code n}, {@code dspy.majority}, {@code dspy.BestOfN}): five
 * choices in one call and a majority vote over them, then BestOfN with its attempts running
 * concurrently, the first good one cancelling the rest.
 */
public final class BestOfNExample implements Example {

  /** The question asked. */
  public static final String QUESTION = "What is the capital of Belgium?";

  @Override
  public String name() {
    return "best-of-n";
  }

  @Override
  public String summary() {
    return "n=5 choices and majority(); BestOfN with concurrent attempts, the first good one wins";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    ChainOfThought qa = ChainOfThought.of("question -> answer");

    // Five choices in one request (sampled at 0.7, as DSPy does when no temperature is set).
    Prediction five = qa.withN(5).call(Map.of("question", QUESTION)).block();
    runtime.out().println("Choices: " + five.completions().size());
    runtime.out().println("Majority answer: " + Majority.majority(five).get("answer"));

    // Up to 3 attempts at once, each with its own rollout id (so never the same cached answer).
    Reward shortAnswer = (inputs, p) -> p.get("answer").length() <= 200 ? 1.0 : 0.0;
    Prediction best =
        BestOfN.of(qa, 3, shortAnswer, 1.0)
            .withConcurrency(3)
            .call(Map.of("question", QUESTION))
            .block();
    runtime.out().println("BestOfN answer: " + best.get("answer"));
    return 0;
  }
}
