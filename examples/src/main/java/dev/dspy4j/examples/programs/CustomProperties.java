package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.Map;

/**
 * The page's "Tracking with Custom Properties": session, user and property headers on every
 * request. First exactly as the page does it (extra headers on the LM), then the reactive way: the
 * same headers, typed, in the Reactor Context of one pipeline, where they reach every LM call the
 * pipeline makes. Both requests carry the same six headers.
 */
public final class CustomProperties implements Example {

  /** The page's question. */
  public static final String QUESTION = "What is DSPy?";

  /**
   * The question of the second, Context-based call (another question: an identical one would be a
   * cache hit).
   */
  public static final String CONTEXT_QUESTION = "What is a Helicone property?";

  @Override
  public String name() {
    return "custom-properties";
  }

  @Override
  public String summary() {
    return "session, user and custom property headers, on the LM and through the Reactor Context";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    // 1. As on the page: extra headers on the LM, sent with every request it makes.
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
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
    runtime
        .out()
        .println("Request 1: the six headers as LM defaults (.header(...), as on the page)");
    var response = qa.call(Map.of("question", QUESTION)).block();
    runtime.out().println("  answer: " + response.get("answer"));

    // 2. The same headers, typed, for one pipeline only: a plain LM, the tracking in the Context.
    Dspy.configure(
        LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build());
    HeliconeHeaders tracking =
        HeliconeHeaders.builder()
            .sessionId("dspy-example-session")
            .sessionName("Question Answering")
            .userId("user-123")
            .property("Environment", "production")
            .property("Module", "chain-of-thought")
            .property("Version", "1.0.0")
            .build();
    runtime
        .out()
        .println("Request 2: the same six, typed, in the Reactor Context of this pipeline only");
    var second =
        qa.call(Map.of("question", CONTEXT_QUESTION)).contextWrite(Helicone.with(tracking)).block();
    runtime.out().println("  answer: " + second.get("answer"));
    return 0;
  }
}
