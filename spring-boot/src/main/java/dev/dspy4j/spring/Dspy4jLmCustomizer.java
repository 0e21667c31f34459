package dev.dspy4j.spring;

import dev.dspy4j.streaming.LM;

/**
 * Adjusts the {@link LM.Builder} of the auto-configured LM after the {@code dspy4j.lm.*} properties
 * were applied and before it is built: a bean of this type can set what properties cannot express
 * (a custom Reactor Netty client, typed Helicone defaults, an extra body, a Helicone prompt...).
 * Customizers run in {@code @Order} order.
 *
 * <pre>{@code
 * @Bean
 * Dspy4jLmCustomizer heliconeDefaults() {
 *   return builder -> builder.helicone(HeliconeHeaders.builder().property("App", "support").build());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Dspy4jLmCustomizer {

  /** Changes {@code builder} in place. */
  void customize(LM.Builder builder);
}
