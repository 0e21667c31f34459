package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for page tests: Debian's {@code chromium} + {@code chromium-driver},
 * driven by Selenium through an explicit driver service, so Selenium Manager (which would try to
 * download a driver) never runs. Background networking is off: the machine has no internet.
 */
public final class Chromium {

  /** Debian's Chromium. */
  public static final Path BINARY = Path.of("/usr/bin/chromium");

  /** Debian's chromedriver (package chromium-driver), matching {@link #BINARY}. */
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /**
   * Returns when Chromium is installed; otherwise skips the calling test on a developer machine and
   * fails it in CI ({@code CI=true}), where {@code .ci/run} must have installed it.
   */
  public static void requireInstalled() {
    if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
      System.setProperty("webdriver.chrome.driver", DRIVER.toString());
      return;
    }
    String missing =
        "chromium and chromium-driver are needed at "
            + BINARY
            + " and "
            + DRIVER
            + " (apt-get install -y chromium chromium-driver; .ci/run does this)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + missing);
    }
    Assumptions.abort(missing);
  }

  /** A new headless browser with a fresh profile under {@code profiles}; quit() it when done. */
  public static WebDriver open(Path profiles) throws IOException {
    requireInstalled();
    var options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,860",
        "--user-data-dir=" + Files.createTempDirectory(profiles, "run"));
    // One driver service per browser: quit() stops the service it was started with.
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File("target/chromedriver.log"))
            .build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1000, 860));
    return driver;
  }

  /** The text of the page's area for an output field. */
  public static String fieldText(WebDriver driver, String field) {
    return driver.findElement(By.cssSelector("#field-" + field + " .text")).getText();
  }

  /** The page's status pill: idle, streaming, done, stopped or error. */
  public static String status(WebDriver driver) {
    return driver.findElement(By.id("status")).getText();
  }

  /** Types the question and presses Ask. */
  public static void ask(WebDriver driver, String question) {
    WebElement input = driver.findElement(By.id("question"));
    input.clear();
    input.sendKeys(question);
    driver.findElement(By.id("ask")).click();
  }

  /** Presses Stop. */
  public static void stop(WebDriver driver) {
    driver.findElement(By.id("stop")).click();
  }

  /** Waits until the condition holds, polling every 50 ms. */
  public static void waitFor(WebDriver driver, Duration timeout, Supplier<Boolean> condition) {
    new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(d -> condition.get());
  }

  /**
   * Asserts that a page text grew as it streamed: every sample is a prefix of the final text, and
   * partial texts of at least three different lengths were seen.
   */
  public static void assertGrewIncrementally(List<String> samples, String finalText) {
    assertThat(samples).allSatisfy(s -> assertThat(finalText).startsWith(s));
    long partialLengths =
        samples.stream()
            .filter(s -> !s.isEmpty() && s.length() < finalText.length())
            .map(String::length)
            .distinct()
            .count();
    assertThat(partialLengths)
        .as("distinct partial lengths of a text growing on the page: %s", samples)
        .isGreaterThanOrEqualTo(3);
  }
}
