package dev.dspy4j.examples;

import dev.dspy4j.examples.gateway.GatewayExample;
import java.util.List;
import java.util.Optional;

/** The examples {@link Main} knows, in the order of the Helicone DSPy page. */
public final class Examples {

  private static final List<Example> ALL = List.of(new GatewayExample());

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
