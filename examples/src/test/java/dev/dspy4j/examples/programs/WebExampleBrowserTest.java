package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.examples.gateway.LocalGateway;
import dev.dspy4j.examples.web.Chromium;
import dev.dspy4j.examples.web.StreamingWebServer;
import dev.dspy4j.streaming.LM;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * The {@code web} example's wiring end to end in a real browser: page → relay → ChainOfThought →
 * LM → HTTP → local gateway. Stop in the page must close the LM's HTTP request to the gateway.
 */
class WebExampleBrowserTest {

  @TempDir Path profiles;
  private final ByteArrayOutputStream gatewayLog = new ByteArrayOutputStream();
  private LocalGateway gateway;
  private StreamingWebServer server;
  private WebDriver browser;

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private void serve(Duration tokenDelay) throws Exception {
    Chromium.requireInstalled();
    gateway = LocalGateway.builder()
        .log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8))
        .tokenDelay(tokenDelay)
        .start();
    LM lm = LM.builder("gpt-4o-mini").apiKey("sk-local").apiBase(gateway.baseUrl()).cache(false).build();
    ChainOfThought qa = ChainOfThought.of("question -> answer").withLm(lm);
    server = StreamingWebServer.start(q -> qa.stream(Map.of("question", q)));
    browser = Chromium.open(Files.createDirectories(profiles));
    browser.get(server.url());
  }

  @Test
  void theChainOfThoughtsAnswerStreamsIntoThePage() throws Exception {
    serve(Duration.ofMillis(20));
    String question = "What is DSPy?";

    Chromium.ask(browser, question);
    Chromium.waitFor(browser, Duration.ofSeconds(60), () -> Chromium.status(browser).equals("done"));

    assertThat(Chromium.fieldText(browser, "answer"))
        .isEqualTo("A deterministic answer from the local gateway to \"" + question + "\".");
    assertThat(Chromium.fieldText(browser, "reasoning")).startsWith("Let's think step by step.");
    assertThat(gateway.requests()).hasSize(1);
    assertThat(gateway.requests().get(0).json().get("stream").asBoolean()).isTrue();
    assertThat(gateway.cancelledStreams()).isZero();
  }

  @Test
  void stopInThePageClosesTheLmRequestToTheGateway() throws Exception {
    serve(Duration.ofMillis(150));

    Chromium.ask(browser, "Will this request be closed?");
    Chromium.waitFor(browser, Duration.ofSeconds(60), () -> Chromium.fieldText(browser, "reasoning").length() > 20);
    Chromium.stop(browser);

    Chromium.waitFor(browser, Duration.ofSeconds(20), () -> gateway.cancelledStreams() == 1);
    assertThat(Chromium.status(browser)).isEqualTo("stopped");
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8)).contains("stream closed by the client before [DONE]");
    assertThat(gateway.requests()).as("no retry or reconnect after Stop").hasSize(1);
  }
}
