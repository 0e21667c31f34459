package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.streaming.relay.SseRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The chat page ({@code /chat}) in a real headless Chromium: the AI SDK's own client code ({@code
 * DefaultChatTransport} + {@code readUIMessageStream}, bundled from the locked {@code ai} package)
 * reads {@code POST /api/chat}. Needs Chromium and Node (see {@link Chromium}, {@link NodeJs}).
 */
class ChatPageBrowserTest {

  static final Path SCREENSHOT = Path.of("target", "chat-page-test.png");

  private static Path bundle;
  @TempDir Path profiles;
  private WebDriver browser;
  private StreamingWebServer server;

  @BeforeAll
  static void bundleTheAiSdk() throws Exception {
    Chromium.requireInstalled();
    NodeJs.requireInstalled();
    bundle = NodeJs.aiSdkBrowserBundle();
  }

  @AfterEach
  void close() {
    if (browser != null) browser.quit();
    if (server != null) server.close();
  }

  private void open(SlowAnswerStream module) throws Exception {
    server =
        StreamingWebServer.start(
            0, SseRelay.create().withCoalescing(Duration.ofMillis(50), 512), module, bundle);
    browser = Chromium.open(Files.createDirectories(profiles));
    browser.get(server.url() + "chat");
  }

  @Test
  void theAiSdkClientInThePageShowsReasoningAndAnswerAsTheyStream() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(70), 2);
    open(module);
    String question = "How many floors are in the castle David Gregory inherited?";

    Chromium.ask(browser, question);
    var reasoningSamples = new ArrayList<String>();
    var answerSamples = new ArrayList<String>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Chromium.status(browser).equals("done")
        && !Chromium.status(browser).equals("error")
        && System.nanoTime() < deadline) {
      reasoningSamples.add(Chromium.fieldText(browser, "reasoning"));
      answerSamples.add(Chromium.fieldText(browser, "answer"));
      Thread.sleep(100);
    }

    assertThat(Chromium.status(browser))
        .as("page error: %s", browser.findElement(By.id("error")).getText())
        .isEqualTo("done");
    String expectedReasoning = SlowAnswerStream.reasoning(question, 2);
    String expectedAnswer = SlowAnswerStream.answer(question);
    assertThat(Chromium.fieldText(browser, "reasoning")).isEqualTo(expectedReasoning);
    assertThat(Chromium.fieldText(browser, "answer")).isEqualTo(expectedAnswer);
    Chromium.assertGrewIncrementally(reasoningSamples, expectedReasoning);
    Chromium.assertGrewIncrementally(answerSamples, expectedAnswer);
    assertThat(module.completed.await(20, TimeUnit.SECONDS))
        .as("the server saw its stream complete")
        .isTrue();
    assertThat(module.completions).hasValue(1);

    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
  }

  @Test
  void stopAbortsTheRequestAndTheServerCancelsTheModule() throws Exception {
    var module =
        new SlowAnswerStream(Duration.ofMillis(100), 200); // minutes of text: only Stop ends it
    open(module);

    Chromium.ask(browser, "Will this be stopped?");
    Chromium.waitFor(
        browser,
        Duration.ofSeconds(30),
        () -> Chromium.fieldText(browser, "reasoning").length() > 40);
    Chromium.stop(browser);

    assertThat(module.cancelled.await(20, TimeUnit.SECONDS))
        .as("the server cancelled the module's stream")
        .isTrue();
    assertThat(Chromium.status(browser)).isEqualTo("stopped");
    String afterStop = Chromium.fieldText(browser, "reasoning");
    Thread.sleep(1_000);
    assertThat(Chromium.fieldText(browser, "reasoning")).isEqualTo(afterStop);
    assertThat(Chromium.fieldText(browser, "answer")).isEmpty();
    assertThat(module.subscriptions).hasValue(1);
  }
}
