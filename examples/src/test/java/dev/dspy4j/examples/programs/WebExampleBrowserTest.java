package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.web.Chromium;
import dev.dspy4j.examples.web.StreamingWebServer;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The {@code web} example's own wiring ({@link Web#serve}) end to end in a real browser: page → SSE
 * relay → ChainOfThought → LM → HTTP → local gateway. The answer must grow in the page as the
 * gateway's tokens arrive, and Stop in the page must close the LM's HTTP request to the gateway.
 */
class WebExampleBrowserTest {

  /** The README's screenshot (committed as docs/web-page.png). */
  static final Path SCREENSHOT = Path.of("target", "web-page.png");

  @TempDir Path profiles;
  private final ByteArrayOutputStream gatewayLog = new ByteArrayOutputStream();
  private LocalGateway gateway;
  private ExampleRuntime runtime;
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
    if (runtime != null) {
      runtime.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @AfterAll
  static void forgetTheLm() {
    dev.dspy4j.core.Dspy.reset();
  }

  /** Serves the page exactly as {@code java -jar ... web} does, against a local gateway. */
  private void serve(Duration tokenDelay) throws Exception {
    Chromium.requireInstalled();
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8))
            .tokenDelay(tokenDelay)
            .start();
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    runtime =
        ExampleRuntime.withGateway(
            config,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            gateway);
    server = Web.serve(runtime);
    browser = Chromium.open(Files.createDirectories(profiles));
    browser.get(server.url());
  }

  @Test
  void theChainOfThoughtsAnswerGrowsInThePageAsTheGatewayStreamsIt() throws Exception {
    // Slower than the example's own delay, so that a loaded machine still samples partial texts.
    serve(new Web().localTokenDelay().multipliedBy(3));
    String question = "How many floors are in the castle David Gregory inherited?";

    Chromium.ask(browser, question);
    var reasoningSamples = new ArrayList<String>();
    var answerSamples = new ArrayList<String>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Chromium.status(browser).equals("done") && System.nanoTime() < deadline) {
      reasoningSamples.add(Chromium.fieldText(browser, "reasoning"));
      answerSamples.add(Chromium.fieldText(browser, "answer"));
      Thread.sleep(20);
    }

    assertThat(Chromium.status(browser)).isEqualTo("done");
    String answer = Chromium.fieldText(browser, "answer");
    String reasoning = Chromium.fieldText(browser, "reasoning");
    assertThat(answer)
        .isEqualTo("A deterministic answer from the local gateway to \"" + question + "\".");
    assertThat(reasoning).startsWith("Let's think step by step.").contains(question);
    Chromium.assertGrewIncrementally(reasoningSamples, reasoning);
    Chromium.assertGrewIncrementally(answerSamples, answer);
    assertThat(gateway.requests()).hasSize(1);
    var body = gateway.requests().get(0).json();
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.at("/messages/1/content").asText())
        .contains("[[ ## question ## ]]\n" + question);
    assertThat(gateway.cancelledStreams()).isZero();

    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
  }

  @Test
  void stopInThePageClosesTheLmRequestToTheGateway() throws Exception {
    serve(Duration.ofMillis(150)); // several seconds of reasoning: Stop lands mid-stream

    Chromium.ask(browser, "Will this request be closed?");
    Chromium.waitFor(
        browser,
        Duration.ofSeconds(60),
        () -> Chromium.fieldText(browser, "reasoning").length() > 20);
    Chromium.stop(browser);

    Chromium.waitFor(browser, Duration.ofSeconds(20), () -> gateway.cancelledStreams() == 1);
    assertThat(Chromium.status(browser)).isEqualTo("stopped");
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8))
        .contains("stream closed by the client before [DONE]");
    String afterStop = Chromium.fieldText(browser, "reasoning");
    Thread.sleep(1_000);
    assertThat(Chromium.fieldText(browser, "reasoning"))
        .as("nothing arrives after Stop")
        .isEqualTo(afterStop);
    assertThat(Chromium.fieldText(browser, "answer")).isEmpty();
    assertThat(gateway.requests()).as("no retry or reconnect after Stop").hasSize(1);
  }
}
