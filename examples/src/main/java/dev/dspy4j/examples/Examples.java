package dev.dspy4j.examples;

import dev.dspy4j.examples.gateway.GatewayExample;
import dev.dspy4j.examples.programs.BasicCot;
import dev.dspy4j.examples.programs.BatchPipeline;
import dev.dspy4j.examples.programs.BestOfNExample;
import dev.dspy4j.examples.programs.Caching;
import dev.dspy4j.examples.programs.CustomProperties;
import dev.dspy4j.examples.programs.GenerationConfig;
import dev.dspy4j.examples.programs.Hello;
import dev.dspy4j.examples.programs.KafkaPipeline;
import dev.dspy4j.examples.programs.LoadProgram;
import dev.dspy4j.examples.programs.Optimize;
import dev.dspy4j.examples.programs.Prompts;
import dev.dspy4j.examples.programs.RateLimit;
import dev.dspy4j.examples.programs.ReActAgent;
import dev.dspy4j.examples.programs.RedisCache;
import dev.dspy4j.examples.programs.Sessions;
import dev.dspy4j.examples.programs.Streaming;
import dev.dspy4j.examples.programs.Web;
import java.util.List;
import java.util.Optional;

/** The examples {@link Main} knows, in the order of the Helicone DSPy page. */
public final class Examples {

  private static final List<Example> ALL =
      List.of(
          new Hello(),
          new BasicCot(),
          new GenerationConfig(),
          new CustomProperties(),
          new Prompts(),
          new RateLimit(),
          new Caching(),
          new Sessions(),
          new Streaming(),
          new BatchPipeline(),
          new Web(),
          new BestOfNExample(),
          new LoadProgram(),
          new Optimize(),
          new ReActAgent(),
          new RedisCache(),
          new KafkaPipeline(),
          new GatewayExample());

  private Examples() {}

  /** Every example, in listing order. */
  public static List<Example> all() {
    return ALL;
  }

  /** The example with this name. */
  public static Optional<Example> named(String name) {
    return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
  }
}
