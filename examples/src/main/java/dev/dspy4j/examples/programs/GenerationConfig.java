package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/** The page's "Custom Generation Configuration": temperature 0.9, max tokens 2000. */
public final class GenerationConfig implements Example {

  @Override
  public String name() {
    return "generation-config";
  }

  @Override
  public String summary() {
    return "temperature 0.9, max tokens 2000, Predict question -> creative_answer";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
            .temperature(0.9)
            .maxTokens(2000)
            .build();
    Dspy.configure(lm);

    runtime
        .out()
        .println(
            "Sending temperature="
                + lm.temperature().orElseThrow()
                + ", max_tokens="
                + lm.maxTokens().orElseThrow()
                + " with every request of "
                + lm.model());

    Predict predict = Predict.of("question -> creative_answer");
    var response = predict.call(Map.of("question", "Write a creative story about AI")).block();
    runtime.out().println("creative_answer: " + response.get("creative_answer"));
    return 0;
  }
}
