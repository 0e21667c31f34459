package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;

/** The page's "Start using DSPy": {@code dspy.configure(lm=lm); print(lm("Hello, world!"))}. */
public final class Hello implements Example {

  @Override
  public String name() {
    return "hello";
  }

  @Override
  public String summary() {
    return "configure the LM and print lm(\"Hello, world!\")";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);

    runtime.out().println(lm.call("Hello, world!").block());
    return 0;
  }
}
