package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The streaming page in a real headless Chromium (Debian's {@code chromium} + {@code
 * chromium-driver}), driven by Selenium with an explicit driver so Selenium Manager never runs.
 * Without the browser the test is skipped on a developer machine and fails in CI ({@code CI=true}):
 * {@code .ci/run} installs it.
 */
class StreamingPageBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOT = Path.of("target", "web-page.png");

  private static Path profile;
  private WebDriver driver;
  private StreamingWebServer server;

  @BeforeAll
  static void requireBrowser() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String missing = "chromium and chromium-driver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
          + " (apt-get install -y chromium chromium-driver; .ci/run does this)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true but " + missing);
      }
      Assumptions.abort(missing);
    }
    // An explicit driver: Selenium Manager (which would try to download one) is never consulted.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
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
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1000,860", "--user-data-dir=" + Files.createTempDirectory(profile, "run"));
    // One driver service per browser: quit() stops the service it was started with.
    var service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(new File("target/chromedriver.log"))
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1000, 860));
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
    return driver.findElement(By.cssSelector("#field-" + field + " .text")).getText();
  }

  private static String status(WebDriver driver) {
    return driver.findElement(By.id("status")).getText();
  }

  private static void ask(WebDriver driver, String question) {
    WebElement input = driver.findElement(By.id("question"));
    input.clear();
    input.sendKeys(question);
    driver.findElement(By.id("ask")).click();
  }

  private static void waitFor(WebDriver driver, Duration timeout, Supplier<Boolean> condition) {
    new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(d -> condition.get());
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
    assertGrowsIncrementally(reasoningSamples, expectedReasoning);
    assertGrowsIncrementally(answerSamples, expectedAnswer);
    assertThat(module.completions).hasValue(1);

    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
  }

  /** Every sample is a prefix of the final text, and partial texts of several lengths were seen. */
  private static void assertGrowsIncrementally(List<String> samples, String finalText) {
    assertThat(samples).allSatisfy(s -> assertThat(finalText).startsWith(s));
    long partialLengths = samples.stream()
        .filter(s -> !s.isEmpty() && s.length() < finalText.length())
        .map(String::length)
        .distinct()
        .count();
    assertThat(partialLengths)
        .as("distinct partial lengths of a text growing on the page: %s", samples)
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void stopClosesTheStreamOnTheServer() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(100), 200); // minutes of text: only Stop ends it
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
