package dev.dspy4j.spring.webflux;

import dev.dspy4j.spring.Dspy4jAutoConfiguration;
import dev.dspy4j.spring.Dspy4jProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

/**
 * The WebFlux part of the starter, in a reactive web application: the {@link
 * HeliconeContextWebFilter} (off with {@code dspy4j.web.context-filter.enabled=false}) and the
 * mapping of dspy4j's exceptions to HTTP answers ({@link Dspy4jErrorResponses}).
 */
@AutoConfiguration(after = Dspy4jAutoConfiguration.class)
@ConditionalOnClass(WebFilter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class Dspy4jWebFluxAutoConfiguration {

  /** Copies incoming Helicone session, user and property headers into the Reactor Context. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(
      prefix = "dspy4j.web.context-filter",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  public HeliconeContextWebFilter dspy4jHeliconeContextWebFilter(Dspy4jProperties properties) {
    try {
      return new HeliconeContextWebFilter(properties.getWeb().getContextFilter());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Invalid dspy4j.web.context-filter configuration: " + e.getMessage(), e);
    }
  }

  /** dspy4j's exceptions as 400/429/502/503/504 answers. */
  @Bean
  @ConditionalOnMissingBean
  public Dspy4jErrorResponses dspy4jErrorResponses() {
    return new Dspy4jErrorResponses();
  }
}
