package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/** The page's "Tracking with Custom Properties": session, user and property headers on every request. */
public final class CustomProperties implements Example {

  @Override
  public String name() {
    return "custom-properties";
  }

  @Override
  public String summary() {
    return "session, user and custom property headers on every request";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase())
        // Session tracking
        .header("Helicone-Session-Id", "dspy-example-session")
        .header("Helicone-Session-Name", "Question Answering")
        // User tracking
        .header("Helicone-User-Id", "user-123")
        // Custom properties for filtering
        .header("Helicone-Property-Environment", "production")
        .header("Helicone-Property-Module", "chain-of-thought")
        .header("Helicone-Property-Version", "1.0.0")
        .build();
    Dspy.configure(lm);

    ChainOfThought qa = ChainOfThought.of("question -> answer");
    runtime.out().println(qa.call(Map.of("question", "What is DSPy?")).block().get("answer"));
    return 0;
  }
}
