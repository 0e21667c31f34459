package dev.dspy4j.spring.observation;

import dev.dspy4j.core.usage.micrometer.ObservedLanguageModel;
import dev.dspy4j.spring.LanguageModelDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer for the auto-configured LM, when {@code micrometer-observation} is on the classpath:
 * each call is an {@link ObservedLanguageModel} observation in the application's {@link
 * ObservationRegistry} (its meter handler records {@code gen_ai.client.operation.duration}), and
 * with a {@link MeterRegistry} the {@code gen_ai.client.token.usage} histogram is recorded too. Off
 * with {@code dspy4j.observations.enabled=false}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnProperty(
    prefix = "dspy4j.observations",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class Dspy4jObservationAutoConfiguration {

  /**
   * Wraps the auto-configured LM in an observation per call, when the application has a registry.
   */
  @Bean
  public LanguageModelDecorator dspy4jObservedLanguageModel(
      ObjectProvider<ObservationRegistry> registry) {
    return new LanguageModelDecorator(
        100,
        lm -> {
          ObservationRegistry r = registry.getIfUnique();
          return r == null ? lm : ObservedLanguageModel.of(lm, r);
        });
  }

  /** The token-usage histogram, when Micrometer's meters are present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  static class TokenUsage {

    @Bean
    @ConditionalOnMissingBean
    GenAiTokenUsageHandler dspy4jTokenUsageHandler(MeterRegistry registry) {
      return new GenAiTokenUsageHandler(registry);
    }
  }
}
