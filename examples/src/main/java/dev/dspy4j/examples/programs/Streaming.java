package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Map;

/** ChainOfThought streamed to the terminal, field by field, as the tokens arrive. */
public final class Streaming implements Example {

  @Override
  public String name() {
    return "streaming";
  }

  @Override
  public String summary() {
    return "ChainOfThought streamed to the terminal field by field";
  }

  @Override
  public Duration localTokenDelay() {
    return Duration.ofMillis(40); // so that the local gateway's tokens visibly trickle in
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    var out = runtime.out();
    String[] current = {""};

    ChainOfThought.of("question -> answer").stream(Map.of("question", BasicCot.QUESTION))
        .doOnNext(
            event -> {
              if (event instanceof StreamEvent.FieldChunk chunk) {
                if (!chunk.field().equals(current[0])) {
                  current[0] = chunk.field();
                  out.print("\n" + chunk.field() + ": ");
                }
                out.print(chunk.text());
                out.flush();
              } else if (event instanceof StreamEvent.Done done) {
                out.println(
                    "\n\nStream complete: "
                        + String.join(" and ", done.prediction().fields().keySet())
                        + " arrived in full ("
                        + done.prediction().usage().totalTokens()
                        + " tokens)");
              }
            })
        .blockLast();
    return 0;
  }
}
