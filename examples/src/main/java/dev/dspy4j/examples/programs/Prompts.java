package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.HeliconePrompt;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/** The page's "Helicone Prompts Integration": prompt fields in the request body. */
public final class Prompts implements Example {

  @Override
  public String name() {
    return "prompts";
  }

  @Override
  public String summary() {
    return "Helicone prompt_id, version_id, environment and inputs in the request body";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    HeliconePrompt prompt =
        HeliconePrompt.id("customer-support-prompt-id")
            .version("version-uuid")
            .environment("production")
            .inputs(Map.of("customer_name", "Sarah", "issue_type", "technical"));
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
            .extraBody(prompt.toBody())
            .build();
    Dspy.configure(lm);

    Predict support = Predict.of("question -> answer");
    runtime
        .out()
        .println(
            support.call(Map.of("question", "My device does not turn on.")).block().get("answer"));
    return 0;
  }
}
