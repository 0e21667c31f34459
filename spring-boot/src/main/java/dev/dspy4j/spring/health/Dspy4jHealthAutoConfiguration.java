package dev.dspy4j.spring.health;

import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.spring.Dspy4jAutoConfiguration;
import dev.dspy4j.spring.LanguageModelDecorator;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The passive {@link LmHealthIndicator} (bean {@code dspy4jLm}, shown as {@code dspy4jLm} under
 * {@code /actuator/health}) when Boot's health support is on the classpath. Off with {@code
 * management.health.dspy4j.enabled=false}.
 */
@AutoConfiguration(before = Dspy4jAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnProperty(
    prefix = "management.health.dspy4j",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class Dspy4jHealthAutoConfiguration {

  /** The counts behind the indicator. */
  @Bean
  RecentLmErrors dspy4jRecentLmErrors() {
    return new RecentLmErrors(Clock.systemUTC());
  }

  /** Counts every call of the auto-configured LM. */
  @Bean
  LanguageModelDecorator dspy4jLmErrorTracking(RecentLmErrors errors) {
    return new LanguageModelDecorator(50, errors::track);
  }

  /** The indicator. */
  @Bean
  LmHealthIndicator dspy4jLm(RecentLmErrors errors, ObjectProvider<RateLimiter> rateLimiter) {
    return new LmHealthIndicator(errors, rateLimiter.getIfUnique());
  }
}
