package dev.dspy4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.micrometer.ObservedLanguageModel;
import dev.dspy4j.spring.health.Dspy4jHealthAutoConfiguration;
import dev.dspy4j.spring.health.LmHealthIndicator;
import dev.dspy4j.spring.observation.Dspy4jObservationAutoConfiguration;
import dev.dspy4j.spring.webflux.Dspy4jErrorResponses;
import dev.dspy4j.spring.webflux.Dspy4jWebFluxAutoConfiguration;
import dev.dspy4j.spring.webflux.HeliconeContextWebFilter;
import dev.dspy4j.test.DummyLM;
import dev.dspy4j.test.LocalGateway;
import io.micrometer.observation.ObservationRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The starter's auto-configuration in application contexts (no web server): binding, back-off,
 * validation, conditions.
 */
class Dspy4jAutoConfigurationTest {

  private static final AutoConfigurations ALL =
      AutoConfigurations.of(
          Dspy4jAutoConfiguration.class, Dspy4jObservationAutoConfiguration.class,
          Dspy4jHealthAutoConfiguration.class, Dspy4jWebFluxAutoConfiguration.class);

  private static LocalGateway gateway;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withPropertyValues("dspy4j.lm.model=gpt-4o-mini", "dspy4j.lm.cache=false");

  @BeforeAll
  static void startGateway() {
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .start();
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @AfterEach
  void reset() {
    gateway.reset();
    Dspy.reset();
  }

  @Test
  void propertiesBindAndTheLmSendsThemIncludingHeadersWithDashes() {
    runner
        .withPropertyValues(
            "dspy4j.lm.api-key=sk-test-1234567890",
            "dspy4j.lm.api-base=" + gateway.baseUrl(),
            "dspy4j.lm.temperature=0.3",
            "dspy4j.lm.max-tokens=321",
            "dspy4j.lm.num-retries=1",
            "dspy4j.lm.connect-timeout=2s",
            "dspy4j.lm.headers.Helicone-Property-Environment=production",
            "dspy4j.lm.headers.X-Team-Name=search-team")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(LanguageModel.class);
              Dspy4jProperties p = ctx.getBean(Dspy4jProperties.class);
              assertThat(p.getLm().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(p.getLm().getHeaders())
                  .containsKeys("Helicone-Property-Environment", "X-Team-Name");

              LanguageModel lm = ctx.getBean(LanguageModel.class);
              assertThat(Dspy.configuredLm()).containsSame(lm);
              assertThat(lm.call("Hello, world!").block(Duration.ofSeconds(20))).hasSize(1);

              var request = gateway.lastRequest().orElseThrow();
              assertThat(request.header("Authorization")).hasValue("Bearer sk-test-1234567890");
              assertThat(request.header("Helicone-Property-Environment")).hasValue("production");
              assertThat(request.header("X-Team-Name")).hasValue("search-team");
              assertThat(request.json().get("model").asText()).isEqualTo("gpt-4o-mini");
              assertThat(request.json().get("temperature").asDouble()).isEqualTo(0.3);
              assertThat(request.json().get("max_tokens").asInt()).isEqualTo(321);
            });
  }

  @Test
  void theLmBeanBacksOffWhenTheApplicationDefinesOne() {
    runner
        .withUserConfiguration(OwnLm.class)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(LanguageModel.class);
              assertThat(ctx.getBean(LanguageModel.class)).isSameAs(ctx.getBean("ownLm"));
              assertThat(ctx).doesNotHaveBean("dspy4jLanguageModel");
              assertThat(Dspy.configuredLm()).containsSame(ctx.getBean(LanguageModel.class));
            });
  }

  @Test
  void theCustomizerHookSeesTheBuilder() {
    runner
        .withPropertyValues("dspy4j.lm.api-base=" + gateway.baseUrl())
        .withBean(
            Dspy4jLmCustomizer.class, () -> builder -> builder.header("X-From-Customizer", "yes"))
        .run(
            ctx -> {
              ctx.getBean(LanguageModel.class).call("hi").block(Duration.ofSeconds(20));
              assertThat(gateway.lastRequest().orElseThrow().header("X-From-Customizer"))
                  .hasValue("yes");
            });
  }

  @Test
  void theApplicationsDecoratorsWrapTheAutoConfiguredLmInOrder() {
    runner
        .withBean(
            "outer",
            LanguageModelDecorator.class,
            () -> new LanguageModelDecorator(500, lm -> new Renamed(lm, "+outer")))
        .withBean(
            "inner",
            LanguageModelDecorator.class,
            () -> new LanguageModelDecorator(1, lm -> new Renamed(lm, "+inner")))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              // The starter's health tracking (order 50) sits between them and keeps the name.
              assertThat(ctx.getBean(LanguageModel.class).model())
                  .isEqualTo("gpt-4o-mini+inner+outer");
            });
  }

  /** A decorator's LM in a test: the wrapped LM under a longer name. */
  private record Renamed(LanguageModel delegate, String suffix) implements LanguageModel {
    @Override
    public String model() {
      return delegate.model() + suffix;
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return delegate.complete(request);
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return delegate.stream(request);
    }
  }

  @Test
  void theRateLimiterIsBuiltFromPropertiesOnlyWhenEnabled() {
    runner
        .withPropertyValues("dspy4j.rate-limit.enabled=true", "dspy4j.rate-limit.max-concurrent=3")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(RateLimiter.class);
              assertThat(ctx.getBean(RateLimiter.class).maxConcurrent()).isEqualTo(3);
            });
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(RateLimiter.class));
  }

  @Test
  void badValuesFailStartUpNamingTheProperty() {
    assertStartUpFails("dspy4j.lm.temperature=5", "dspy4j.lm.temperature");
    assertStartUpFails("dspy4j.lm.temperature=warm", "dspy4j.lm.temperature");
    assertStartUpFails("dspy4j.lm.max-tokens=0", "dspy4j.lm.max-tokens");
    assertStartUpFails("dspy4j.lm.num-retries=-1", "dspy4j.lm.num-retries");
    assertStartUpFails("dspy4j.lm.api-base=ftp://example.com", "dspy4j.lm.api-base");
    assertStartUpFails("dspy4j.lm.max-retry-after=-5s", "dspy4j.lm.max-retry-after");
    assertStartUpFails(
        "dspy4j.lm.headers.X-Injected=a\r\nX-Evil: b", "dspy4j.lm.headers.X-Injected");
    assertStartUpFails("dspy4j.lm.model=", "dspy4j.lm.model");
    assertStartUpFails(
        "dspy4j.rate-limit.max-concurrent=0",
        "dspy4j.rate-limit.max-concurrent",
        "dspy4j.rate-limit.enabled=true");
    assertStartUpFails(
        "dspy4j.rate-limit.requests-per-second=-2",
        "dspy4j.rate-limit.requests-per-second",
        "dspy4j.rate-limit.enabled=true");
    assertStartUpFails("dspy4j.cache.memory-max-entries=-1", "dspy4j.cache.memory-max-entries");
  }

  @Test
  void aBadApiKeyFailsStartUpNamingThePropertyButNeverShowingTheKey() {
    runner
        .withPropertyValues("dspy4j.lm.api-key=sk-secret-\u00e9-value")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              String messages = messages(ctx.getStartupFailure());
              assertThat(messages).contains("dspy4j.lm.api-key").doesNotContain("sk-secret");
            });
  }

  @Test
  void optionalPartsSwitchOnOnlyWhenTheirClassesArePresent() {
    var web =
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(ALL)
            .withPropertyValues("dspy4j.lm.model=gpt-4o-mini")
            .withBean(ObservationRegistry.class, ObservationRegistry::create);
    web.run(
        ctx -> {
          assertThat(ctx)
              .hasNotFailed()
              .hasSingleBean(HeliconeContextWebFilter.class)
              .hasSingleBean(Dspy4jErrorResponses.class)
              .hasSingleBean(LmHealthIndicator.class);
          assertThat(ctx.getBeansOfType(LanguageModelDecorator.class)).hasSize(2);
          assertThat(ctx.getBean(LanguageModel.class)).isInstanceOf(ObservedLanguageModel.class);
        });
    web.withClassLoader(new FilteredClassLoader(WebFilter.class))
        .run(
            ctx -> {
              assertThat(ctx)
                  .hasNotFailed()
                  .doesNotHaveBean(HeliconeContextWebFilter.class)
                  .doesNotHaveBean(Dspy4jErrorResponses.class);
            });
    web.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().doesNotHaveBean("dspy4jObservedLanguageModel");
              assertThat(ctx.getBean(LanguageModel.class))
                  .isNotInstanceOf(ObservedLanguageModel.class);
            });
    web.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().doesNotHaveBean(LmHealthIndicator.class);
            });
    web.withPropertyValues("dspy4j.web.context-filter.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().doesNotHaveBean(HeliconeContextWebFilter.class);
            });
    // Not a reactive web application: no filter, no WebFlux error mapping.
    runner.run(
        ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(HeliconeContextWebFilter.class));
  }

  @Test
  void registeredAsAutoConfigurationsWithPropertyMetadataForIdes() throws Exception {
    List<String> registered =
        org.springframework.boot.context.annotation.ImportCandidates.load(
                org.springframework.boot.autoconfigure.AutoConfiguration.class,
                getClass().getClassLoader())
            .getCandidates();
    assertThat(registered)
        .contains(
            Dspy4jAutoConfiguration.class.getName(),
            Dspy4jObservationAutoConfiguration.class.getName(),
            Dspy4jHealthAutoConfiguration.class.getName(),
            Dspy4jWebFluxAutoConfiguration.class.getName());

    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var names = new java.util.HashMap<String, String>();
    var resources =
        getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
    while (resources.hasMoreElements()) {
      try (var in = resources.nextElement().openStream()) {
        json.readTree(in)
            .path("properties")
            .forEach(p -> names.put(p.path("name").asText(), p.path("description").asText("")));
      }
    }
    assertThat(names)
        .containsKeys(
            "dspy4j.lm.model",
            "dspy4j.lm.api-key",
            "dspy4j.lm.api-base",
            "dspy4j.lm.temperature",
            "dspy4j.lm.max-tokens",
            "dspy4j.lm.num-retries",
            "dspy4j.lm.cache",
            "dspy4j.lm.headers",
            "dspy4j.lm.connect-timeout",
            "dspy4j.cache.disk-dir",
            "dspy4j.cache.memory-max-entries",
            "dspy4j.rate-limit.enabled",
            "dspy4j.rate-limit.max-concurrent",
            "dspy4j.web.context-filter.enabled",
            "dspy4j.web.context-filter.session-id-header",
            "dspy4j.observations.enabled");
    assertThat(names.get("dspy4j.lm.model")).contains("gpt-4o-mini");
  }

  private void assertStartUpFails(String property, String named, String... more) {
    runner
        .withPropertyValues(property)
        .withPropertyValues(more)
        .run(
            ctx -> {
              assertThat(ctx).as(property).hasFailed();
              assertThat(messages(ctx.getStartupFailure())).as(property).contains(named);
            });
  }

  private static String messages(Throwable failure) {
    var out = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      out.append(t.getMessage()).append('\n');
    }
    return out.toString();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLm {
    @Bean
    LanguageModel ownLm() {
      return DummyLM.ofTexts("[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]");
    }
  }
}
