package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.signature.Desc;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A ReAct agent with two Java tools, streamed: each tool call and its result as it happens, then
 * the answer's tokens. Against the local gateway, a deterministic agent calls both tools and
 * finishes.
 */
public final class ReActAgent implements Example {

  /** The question the agent answers. */
  public static final String QUESTION = "What is the population density of Paris?";

  record CityArgs(@Desc("the city's English name") String city) {}

  private static final Map<String, Long> POPULATION = Map.of("Paris", 2_102_650L, "Lyon", 522_250L);
  private static final Map<String, Double> AREA_KM2 = Map.of("Paris", 105.4, "Lyon", 47.87);

  @Override
  public String name() {
    return "react";
  }

  @Override
  public String summary() {
    return "ReAct agent with two Java tools; streams each tool call, its result and the answer";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);

    Tool population =
        Tool.of(
            "population",
            "The number of people living in a city.",
            CityArgs.class,
            args -> {
              Long people = POPULATION.get(args.city());
              if (people == null)
                throw new IllegalArgumentException("no population known for " + args.city());
              return people;
            });
    Tool area =
        Tool.of(
            "area_km2",
            "The area of a city, in square kilometres.",
            CityArgs.class,
            args -> {
              Double km2 = AREA_KM2.get(args.city());
              if (km2 == null)
                throw new IllegalArgumentException("no area known for " + args.city());
              return km2;
            });
    ReAct agent = ReAct.of("question -> answer", List.of(population, area)).withMaxIters(5);

    runtime.out().println("Question: " + QUESTION);
    Prediction p =
        agent.stream(Map.of("question", QUESTION))
            .doOnNext(
                event -> {
                  if (event instanceof StreamEvent.Status s) {
                    runtime.out().println("  " + s.message());
                  }
                })
            .filter(StreamEvent.Done.class::isInstance)
            .map(e -> ((StreamEvent.Done) e).prediction())
            .contextWrite(Helicone.session(UUID.randomUUID().toString(), "Agents", "/agents"))
            .blockLast(Duration.ofMinutes(2));

    runtime.out().println("Answer: " + p.get("answer"));
    runtime
        .out()
        .println("Trajectory keys: " + ((Map<?, ?>) p.value("trajectory").orElseThrow()).keySet());
    return 0;
  }
}
