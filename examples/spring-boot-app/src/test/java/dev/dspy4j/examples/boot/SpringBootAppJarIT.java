package dev.dspy4j.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.examples.web.Chromium;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The executable jar as a user runs it ({@code java -jar
 * target/dspy4j-example-spring-boot-app.jar}), offline against its embedded local gateway, driven
 * by a real headless Chromium: reasoning and answer stream into the page; Stop closes the LM
 * request at the gateway.
 */
class SpringBootAppJarIT {

  private static final Path JAR = Path.of("target", "dspy4j-example-spring-boot-app.jar");
  private static final Pattern URL =
      Pattern.compile("Streaming page: (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir Path profiles;
  private Process app;
  private final StringBuffer output = new StringBuffer();
  private volatile String url;
  private WebDriver browser;

  @BeforeEach
  void startJar() throws Exception {
    Chromium.requireInstalled();
    assertThat(JAR).exists();
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toAbsolutePath().toString(),
            "--server.port=0");
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("HELICONE_API_KEY"); // always the embedded local gateway here
    app = builder.start();
    var started = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.append(line).append('\n');
                  Matcher m = URL.matcher(line);
                  if (m.find()) {
                    url = m.group(1);
                    started.countDown();
                  }
                }
              } catch (Exception ignored) {
                // the process ended
              }
            },
            "jar-output");
    reader.setDaemon(true);
    reader.start();
    assertThat(started.await(90, TimeUnit.SECONDS))
        .as("the jar printed its URL; output:\n%s", output)
        .isTrue();
    browser = Chromium.open(Files.createDirectories(profiles));
    browser.get(url);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (app != null) {
      app.destroy();
      if (!app.waitFor(30, TimeUnit.SECONDS)) app.destroyForcibly();
    }
  }

  @Test
  void reasoningAndAnswerStreamIntoThePage() throws Exception {
    String question = "How many floors are in the castle David Gregory inherited?";
    Chromium.ask(browser, question);
    var reasoningSamples = new ArrayList<String>();
    var answerSamples = new ArrayList<String>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
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
    assertThat(output.toString()).contains("Helicone-Property-App: dspy4j-boot-example");

    Path shot = Path.of("target", "spring-boot-page.png");
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }

  @Test
  void stopInThePageClosesTheLmRequestAtTheGateway() throws Exception {
    Chromium.ask(browser, "Will this request be closed? " + "Think long about it. ".repeat(20));
    Chromium.waitFor(
        browser,
        Duration.ofSeconds(60),
        () -> Chromium.fieldText(browser, "reasoning").length() > 20);
    Chromium.stop(browser);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!output.toString().contains("stream closed by the client before [DONE]")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(output.toString()).contains("stream closed by the client before [DONE]");
    assertThat(Chromium.status(browser)).isEqualTo("stopped");
    String afterStop = Chromium.fieldText(browser, "reasoning");
    Thread.sleep(1_000);
    assertThat(Chromium.fieldText(browser, "reasoning"))
        .as("nothing arrives after Stop")
        .isEqualTo(afterStop);
    assertThat(Chromium.fieldText(browser, "answer")).isEmpty();
  }
}
