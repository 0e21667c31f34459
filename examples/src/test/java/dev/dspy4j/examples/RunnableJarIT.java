package dev.dspy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shaded jar as a user runs it: {@code java -jar examples/target/dspy4j-examples.jar ...}. */
class RunnableJarIT {

  private static final Path JAR = Path.of("target", "dspy4j-examples.jar");

  private static ProcessBuilder java(String... args) {
    assertThat(JAR).exists();
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("HELICONE_API_KEY"); // always the embedded local gateway here
    return builder;
  }

  private static String runToEnd(Process process) throws Exception {
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the jar finished").isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void withoutArgumentsTheJarListsTheExamples() throws Exception {
    Process process = java().start();
    String output = runToEnd(process);
    assertThat(process.exitValue()).isZero();
    assertThat(output)
        .contains("dspy4j examples: java -jar dspy4j-examples.jar <example>")
        .contains("gateway");
  }

  @Test
  void anUnknownExampleExitsWithCode2() throws Exception {
    Process process = java("no-such-example").start();
    String output = runToEnd(process);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("Unknown example 'no-such-example'");
  }

  @Test
  void theGatewayExampleServesChatCompletionsFromTheJar() throws Exception {
    Process process = java("gateway").start();
    try (var out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String baseUrl = null;
      Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/v1)");
      for (String line; baseUrl == null && (line = out.readLine()) != null; ) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          baseUrl = m.group(1);
        }
      }
      assertThat(baseUrl).as("the gateway printed its URL").isNotNull();

      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                      .timeout(Duration.ofSeconds(30))
                      .header("Helicone-User-Id", "user-123")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("Hello, world!");
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("[local gateway] #1"));
      assertThat(line).contains("Helicone-User-Id: user-123");
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    assertThat(Files.size(JAR)).isPositive();
  }

  /** A working directory without a {@code .env}, as on a fresh checkout. */
  private static ProcessBuilder inEmptyDirectory(ProcessBuilder builder) throws Exception {
    return builder.directory(Files.createTempDirectory("dspy4j-examples-run").toFile());
  }

  @Test
  void theReadmesMainCommandRunsBasicCotAgainstTheEmbeddedGateway() throws Exception {
    Process process = inEmptyDirectory(java("basic-cot")).start();
    String output = runToEnd(process);

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("No HELICONE_API_KEY set: using the embedded LOCAL GATEWAY at http://127.0.0.1:")
        .contains(
            "[local gateway] #1 POST /v1/chat/completions model=gpt-4o-mini | Authorization: Bearer **** | no Helicone-* headers")
        .containsPattern(
            "(?m)^Answer: A deterministic answer from the local gateway to "
                + "\"How many floors are in the castle David Gregory inherited\\?\"\\.$")
        .containsPattern("(?m)^Reasoning: Let's think step by step\\. ");
  }

  @Test
  void theLocalGatewayPrintsTheHeliconeHeadersItReceived() throws Exception {
    Process process = inEmptyDirectory(java("custom-properties")).start();
    String output = runToEnd(process);

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.lines().filter(l -> l.startsWith("[local gateway] #")))
        .hasSize(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .endsWith(
                        "| Helicone-Session-Id: dspy-example-session | Helicone-Session-Name: Question Answering"
                            + " | Helicone-User-Id: user-123 | Helicone-Property-Environment: production"
                            + " | Helicone-Property-Module: chain-of-thought | Helicone-Property-Version: 1.0.0"));
  }

  @Test
  void theBatchExampleDrawsItsProgressBarWithoutGatewayLinesInBetween() throws Exception {
    Process process = inEmptyDirectory(java("batch")).start();
    String output = runToEnd(process);

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .doesNotContain("[local gateway] #")
        .contains("\r[##############################] 100/100 0 in flight ")
        .contains("100 answers in ");
  }
}
