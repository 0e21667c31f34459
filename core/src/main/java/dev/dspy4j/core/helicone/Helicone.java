package dev.dspy4j.core.helicone;

import java.util.Map;
import reactor.util.context.ContextView;

/**
 * Helicone sessions, users and properties carried by the Reactor Context. (Being built: issue 4.)
 */
public final class Helicone {

  private Helicone() {}

  /**
   * The Helicone request headers written into this Context, in the order they should be sent. An
   * LM merges them over its own default headers when it makes a request.
   */
  public static Map<String, String> headers(ContextView context) {
    return Map.of();
  }
}
