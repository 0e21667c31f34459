package dev.dspy4j.spring;

import static dev.dspy4j.spring.PropertyChecks.apply;

import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.streaming.LM;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The core of the starter: a {@link LanguageModel} bean built from {@code dspy4j.lm.*} (backs off
 * when the application defines its own), the process-wide {@link LmCache} from {@code
 * dspy4j.cache.*}, an optional {@link RateLimiter} from {@code dspy4j.rate-limit.*}, and their
 * installation as dspy4j's defaults ({@code Dspy.configure}, {@code Dspy.configureCache}). Every
 * property is checked while the context starts.
 */
@AutoConfiguration
@EnableConfigurationProperties(Dspy4jProperties.class)
public class Dspy4jAutoConfiguration {

  /** The client-side rate limiter, when {@code dspy4j.rate-limit.enabled=true}. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "dspy4j.rate-limit", name = "enabled", havingValue = "true")
  public RateLimiter dspy4jRateLimiter(Dspy4jProperties properties) {
    Dspy4jProperties.RateLimit p = properties.getRateLimit();
    RateLimiter.Builder b = RateLimiter.builder();
    String prefix = "dspy4j.rate-limit.";
    if (p.getMaxConcurrent() != null)
      apply(
          prefix + "max-concurrent",
          p.getMaxConcurrent(),
          () -> b.maxConcurrent(p.getMaxConcurrent()));
    if (p.getRequestsPerSecond() != null)
      apply(
          prefix + "requests-per-second",
          p.getRequestsPerSecond(),
          () -> b.requestsPerSecond(p.getRequestsPerSecond()));
    if (p.getTokensPerMinute() != null)
      apply(
          prefix + "tokens-per-minute",
          p.getTokensPerMinute(),
          () -> b.tokensPerMinute(p.getTokensPerMinute()));
    if (p.getAdaptive() != null) b.adaptive(p.getAdaptive());
    if (p.getMaxPause() != null)
      apply(prefix + "max-pause", p.getMaxPause(), () -> b.maxPause(p.getMaxPause()));
    return b.build();
  }

  /**
   * The process-wide cache: built from {@code dspy4j.cache.*} when any is set, else dspy4j's
   * default (memory, plus disk under {@code DSPY4J_CACHEDIR} when that is set).
   */
  @Bean
  @ConditionalOnMissingBean
  public LmCache dspy4jLmCache(Dspy4jProperties properties) {
    Dspy4jProperties.Cache p = properties.getCache();
    if (!p.isConfigured()) {
      return DefaultLmCache.fromEnvironment();
    }
    DefaultLmCache.Builder b = DefaultLmCache.builder();
    String prefix = "dspy4j.cache.";
    if (p.getMemoryMaxEntries() != null)
      apply(
          prefix + "memory-max-entries",
          p.getMemoryMaxEntries(),
          () -> b.memoryMaxEntries(p.getMemoryMaxEntries()));
    if (p.getMemoryMaxSize() != null)
      apply(
          prefix + "memory-max-size",
          p.getMemoryMaxSize(),
          () -> b.memoryMaxBytes(p.getMemoryMaxSize().toBytes()));
    if (p.getDiskDir() != null)
      apply(prefix + "disk-dir", p.getDiskDir(), () -> b.diskDirectory(p.getDiskDir()));
    if (p.getDiskMaxSize() != null)
      apply(
          prefix + "disk-max-size",
          p.getDiskMaxSize(),
          () -> b.diskMaxBytes(p.getDiskMaxSize().toBytes()));
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new org.springframework.boot.context.properties.source
          .InvalidConfigurationPropertyValueException(
          prefix + "disk-dir", p.getDiskDir(), e.getMessage());
    }
  }

  /**
   * The LM from {@code dspy4j.lm.*}, then every {@link Dspy4jLmCustomizer}, observed and tracked by
   * the optional parts present. Not created when the application defines a {@link LanguageModel}.
   */
  @Bean
  @ConditionalOnMissingBean(LanguageModel.class)
  @ConditionalOnProperty(
      prefix = "dspy4j.lm",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  public LanguageModel dspy4jLanguageModel(
      Dspy4jProperties properties,
      ObjectProvider<RateLimiter> rateLimiter,
      ObjectProvider<Dspy4jLmCustomizer> customizers,
      ObjectProvider<LanguageModelDecorator> decorators) {
    LM.Builder b = builder(properties.getLm());
    RateLimiter limiter = rateLimiter.getIfUnique();
    if (limiter != null) b.rateLimiter(limiter);
    customizers.orderedStream().forEach(c -> c.customize(b));
    LanguageModel lm;
    try {
      lm = b.build();
    } catch (IllegalArgumentException | dev.dspy4j.core.lm.LmConfigurationException e) {
      throw new IllegalStateException("Invalid dspy4j.lm configuration: " + e.getMessage(), e);
    }
    for (LanguageModelDecorator d : decorators.orderedStream().toList()) {
      lm = d.apply(lm);
    }
    return lm;
  }

  /** Installs the LM and cache as dspy4j's process-wide defaults. */
  @Bean
  static DspyDefaults dspy4jDefaults(
      ObjectProvider<LanguageModel> lm, ObjectProvider<LmCache> cache) {
    return new DspyDefaults(lm, cache);
  }

  private static LM.Builder builder(Dspy4jProperties.Lm p) {
    String prefix = "dspy4j.lm.";
    String model =
        PropertyChecks.required(
            prefix + "model",
            p.getModel(),
            "e.g. dspy4j.lm.model=gpt-4o-mini, or define a LanguageModel bean");
    LM.Builder b = LM.builder(model.strip());
    if (p.getApiKey() != null)
      PropertyChecks.applySecret(prefix + "api-key", () -> b.apiKey(p.getApiKey()));
    if (p.getApiBase() != null)
      apply(prefix + "api-base", p.getApiBase(), () -> b.apiBase(p.getApiBase()));
    if (p.getTemperature() != null)
      apply(prefix + "temperature", p.getTemperature(), () -> b.temperature(p.getTemperature()));
    if (p.getMaxTokens() != null)
      apply(prefix + "max-tokens", p.getMaxTokens(), () -> b.maxTokens(p.getMaxTokens()));
    if (p.getNumRetries() != null)
      apply(prefix + "num-retries", p.getNumRetries(), () -> b.numRetries(p.getNumRetries()));
    if (p.getConnectTimeout() != null)
      apply(
          prefix + "connect-timeout",
          p.getConnectTimeout(),
          () -> b.connectTimeout(p.getConnectTimeout()));
    if (p.getFirstByteTimeout() != null)
      apply(
          prefix + "first-byte-timeout",
          p.getFirstByteTimeout(),
          () -> b.firstByteTimeout(p.getFirstByteTimeout()));
    if (p.getIdleTimeout() != null)
      apply(prefix + "idle-timeout", p.getIdleTimeout(), () -> b.idleTimeout(p.getIdleTimeout()));
    if (p.getMaxRetryAfter() != null)
      apply(
          prefix + "max-retry-after",
          p.getMaxRetryAfter(),
          () -> b.maxRetryAfter(p.getMaxRetryAfter()));
    if (p.getCache() != null) b.cache(p.getCache());
    // Header values are shown only as "<hidden>": a header may carry a credential.
    p.getHeaders()
        .forEach(
            (name, value) ->
                apply(prefix + "headers." + name, "<hidden>", () -> b.header(name, value)));
    return b;
  }
}
