package dev.dspy4j.spring.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.spring.Dspy4jAutoConfiguration;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The passive health indicator: reports calls and the rate limiter, never calls the LM itself. */
class LmHealthIndicatorTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  Dspy4jAutoConfiguration.class, Dspy4jHealthAutoConfiguration.class))
          .withPropertyValues(
              "dspy4j.lm.model=gpt-4o-mini", "dspy4j.lm.cache=false", "dspy4j.lm.num-retries=0");

  @AfterAll
  static void forget() {
    Dspy.reset();
  }

  @Test
  void upWithRateLimiterDetailsAndNoLmCallOfItsOwn() {
    try (LocalGateway gateway =
        LocalGateway.builder()
            .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .start()) {
      runner
          .withPropertyValues(
              "dspy4j.lm.api-base=" + gateway.baseUrl(),
              "dspy4j.rate-limit.enabled=true",
              "dspy4j.rate-limit.max-concurrent=4")
          .run(
              ctx -> {
                LmHealthIndicator indicator = ctx.getBean(LmHealthIndicator.class);
                for (int i = 0; i < 3; i++) indicator.health();
                assertThat(gateway.requests()).as("health checks spend no tokens").isEmpty();

                ctx.getBean(LanguageModel.class).call("Hello").block(Duration.ofSeconds(20));
                Health health = indicator.health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails())
                    .containsEntry("successfulCalls", 1L)
                    .containsEntry("failedCalls", 0L)
                    .containsEntry("rateLimiter.concurrencyLimit", 4)
                    .containsEntry("rateLimiter.inFlight", 0);
                assertThat(gateway.requests()).hasSize(1);
              });
    }
  }

  @Test
  void downAfterRepeatedFailuresNamingTheLastErrorWithoutItsMessage() throws Exception {
    int closed;
    try (var socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    runner
        .withPropertyValues("dspy4j.lm.api-base=http://127.0.0.1:" + closed + "/v1")
        .run(
            ctx -> {
              LanguageModel lm = ctx.getBean(LanguageModel.class);
              LmHealthIndicator indicator = ctx.getBean(LmHealthIndicator.class);
              for (int i = 0; i < LmHealthIndicator.DOWN_AFTER; i++) {
                assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                lm.call("Hello")
                    .onErrorResume(e -> reactor.core.publisher.Mono.empty())
                    .block(Duration.ofSeconds(20));
              }
              Health health = indicator.health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails())
                  .containsEntry("failedCalls", (long) LmHealthIndicator.DOWN_AFTER);
              assertThat(String.valueOf(health.getDetails().get("lastError")))
                  .startsWith("ConnectionException")
                  .doesNotContain("127.0.0.1");
            });
  }
}
