package dev.dspy4j.test;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar dspy4j-test-<version>-gateway.jar --port 0}, as a user runs it (after package).
 */
class GatewayJarIT {

  @Test
  void theGatewayJarServesOnTheFreePortItPrints() throws Exception {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(p -> p.getFileName().toString().matches("dspy4j-test-.*-gateway\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    assertThat(Files.size(jar)).as("a small jar").isLessThan(12L << 20);
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toAbsolutePath().toString(),
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try (var out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("first line").isNotNull().contains("listening on http://127.0.0.1:");
      var m = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/v1)").matcher(first);
      assertThat(m.find()).isTrue();
      var request =
          HttpRequest.newBuilder(URI.create(m.group(1) + "/chat/completions"))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
              .header("Content-Type", "application/json")
              .build();
      var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("Hello from the dspy4j local gateway");
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }
}
