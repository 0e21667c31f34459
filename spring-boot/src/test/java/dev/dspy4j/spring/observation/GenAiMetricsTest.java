package dev.dspy4j.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.spring.Dspy4jAutoConfiguration;
import dev.dspy4j.test.LocalGateway;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configured LM's calls in the application's meters (a {@link SimpleMeterRegistry}, Boot's
 * observation and metrics auto-configuration), named after the OpenTelemetry GenAI conventions; the
 * token counts are the ones the gateway reported.
 */
class GenAiMetricsTest {

  private static LocalGateway gateway;

  @BeforeAll
  static void start() {
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    Dspy.reset();
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ObservationAutoConfiguration.class,
                  MetricsAutoConfiguration.class,
                  Dspy4jAutoConfiguration.class,
                  Dspy4jObservationAutoConfiguration.class))
          .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
          .withPropertyValues("dspy4j.lm.model=gpt-4o-mini", "dspy4j.lm.cache=false");

  @Test
  void tokenUsageAndDurationAreRecordedWithTheGenAiNames() {
    runner
        .withPropertyValues("dspy4j.lm.api-base=" + gateway.baseUrl())
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              LanguageModel lm = ctx.getBean(LanguageModel.class);
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);

              LmResponse complete =
                  lm.complete(LmRequest.of(List.of(Message.user("Hello, world!"))))
                      .block(Duration.ofSeconds(20));
              List<LmChunk> streamed =
                  lm.stream(LmRequest.of(List.of(Message.user("Stream to me"))))
                      .collectList()
                      .block(Duration.ofSeconds(20));
              Usage streamedUsage =
                  streamed.stream()
                      .flatMap(c -> c.usage().stream())
                      .reduce((a, b) -> b)
                      .orElseThrow();
              assertThat(complete.usage().promptTokens()).isPositive();

              Timer duration =
                  meters
                      .find("gen_ai.client.operation.duration")
                      .tag("gen_ai.operation.name", "chat")
                      .tag("gen_ai.request.model", "gpt-4o-mini")
                      .timer();
              assertThat(duration).as("the duration timer").isNotNull();
              assertThat(duration.count()).isEqualTo(2);
              assertThat(duration.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                  .isPositive();

              DistributionSummary input =
                  meters
                      .find("gen_ai.client.token.usage")
                      .tag("gen_ai.token.type", "input")
                      .tag("gen_ai.operation.name", "chat")
                      .tag("gen_ai.request.model", "gpt-4o-mini")
                      .summary();
              DistributionSummary output =
                  meters
                      .find("gen_ai.client.token.usage")
                      .tag("gen_ai.token.type", "output")
                      .summary();
              assertThat(input).isNotNull();
              assertThat(output).isNotNull();
              assertThat(input.getId().getBaseUnit()).isEqualTo("{token}");
              assertThat(input.count()).isEqualTo(2);
              assertThat(input.totalAmount())
                  .isEqualTo(complete.usage().promptTokens() + streamedUsage.promptTokens());
              assertThat(output.totalAmount())
                  .isEqualTo(
                      complete.usage().completionTokens() + streamedUsage.completionTokens());
            });
  }

  @Test
  void noObservationsWhenSwitchedOff() {
    runner
        .withPropertyValues(
            "dspy4j.lm.api-base=" + gateway.baseUrl(), "dspy4j.observations.enabled=false")
        .run(
            ctx -> {
              ctx.getBean(LanguageModel.class).call("Hello").block(Duration.ofSeconds(20));
              assertThat(
                      ctx.getBean(MeterRegistry.class)
                          .find("gen_ai.client.operation.duration")
                          .timer())
                  .isNull();
              assertThat(
                      ctx.getBean(MeterRegistry.class).find("gen_ai.client.token.usage").summary())
                  .isNull();
            });
  }
}
