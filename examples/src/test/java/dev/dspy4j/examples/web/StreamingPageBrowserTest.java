package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The streaming page in a real headless Chromium (see {@link Chromium}). Without the browser the
 * test is skipped on a developer machine and fails in CI ({@code CI=true}): {@code .ci/run}
 * installs it.
 */
class StreamingPageBrowserTest {

  // The README's screenshot (target/web-page.png) is taken by WebExampleBrowserTest, with the real
  // wiring.
  static final Path SCREENSHOT = Path.of("target", "streaming-page-test.png");

  private static Path profile;
  private WebDriver driver;
  private StreamingWebServer server;

  @BeforeAll
  static void requireBrowser() throws IOException {
    Chromium.requireInstalled();
    profile = Files.createTempDirectory("dspy4j-chromium-profile");
  }

  @AfterAll
  static void deleteProfiles() throws IOException {
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private WebDriver openBrowser() throws IOException {
    driver = Chromium.open(profile);
    return driver;
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private static String text(WebDriver driver, String field) {
    return Chromium.fieldText(driver, field);
  }

  private static String status(WebDriver driver) {
    return Chromium.status(driver);
  }

  private static void ask(WebDriver driver, String question) {
    Chromium.ask(driver, question);
  }

  private static void waitFor(WebDriver driver, Duration timeout, Supplier<Boolean> condition) {
    Chromium.waitFor(driver, timeout, condition);
  }

  @Test
  void theAnswerAppearsIncrementallyAndEndsAsThePredictionSays() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(70), 2);
    server = StreamingWebServer.start(module);
    var browser = openBrowser();
    browser.get(server.url());
    String question = "How many floors are in the castle David Gregory inherited?";
    String expectedAnswer = SlowAnswerStream.answer(question);
    String expectedReasoning = SlowAnswerStream.reasoning(question, 2);

    ask(browser, question);

    var reasoningSamples = new ArrayList<String>();
    var answerSamples = new ArrayList<String>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!status(browser).equals("done") && System.nanoTime() < deadline) {
      reasoningSamples.add(text(browser, "reasoning"));
      answerSamples.add(text(browser, "answer"));
      Thread.sleep(100);
    }

    assertThat(status(browser)).isEqualTo("done");
    assertThat(text(browser, "answer")).isEqualTo(expectedAnswer);
    assertThat(text(browser, "reasoning")).isEqualTo(expectedReasoning);
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
  void stopClosesTheStreamOnTheServer() throws Exception {
    var module =
        new SlowAnswerStream(Duration.ofMillis(100), 200); // minutes of text: only Stop ends it
    server = StreamingWebServer.start(module);
    var browser = openBrowser();
    browser.get(server.url());

    ask(browser, "Will this be stopped?");
    waitFor(browser, Duration.ofSeconds(30), () -> text(browser, "reasoning").length() > 40);
    assertThat(browser.findElement(By.id("stop")).isEnabled()).isTrue();
    browser.findElement(By.id("stop")).click();

    assertThat(module.cancelled.await(20, TimeUnit.SECONDS))
        .as("the server cancelled the module's stream after Stop")
        .isTrue();
    assertThat(status(browser)).isEqualTo("stopped");
    String afterStop = text(browser, "reasoning");
    Thread.sleep(1_000);
    assertThat(text(browser, "reasoning")).isEqualTo(afterStop);
    assertThat(text(browser, "answer")).isEmpty();
    assertThat(module.completions).hasValue(0);
    assertThat(module.subscriptions).as("EventSource did not reconnect after Stop").hasValue(1);
  }
}
