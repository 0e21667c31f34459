package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's command line: a chosen port, a free port, and bad options. */
class LocalGatewayMainTest {

  @Test
  void parsesPortDelayAndQuietInAnyOrder() {
    assertThat(LocalGatewayMain.Options.parse(List.of()))
        .isEqualTo(new LocalGatewayMain.Options(0, LocalGatewayMain.DEFAULT_TOKEN_DELAY, false));
    assertThat(
            LocalGatewayMain.Options.parse(
                List.of("--quiet", "--token-delay-ms", "0", "--port=8089")))
        .isEqualTo(new LocalGatewayMain.Options(8089, Duration.ZERO, true));
  }

  @Test
  void rejectsBadOptionsNamingThem() {
    assertThatThrownBy(() -> LocalGatewayMain.Options.parse(List.of("--port", "70000")))
        .hasMessageContaining("--port must be 0..65535 (got 70000)");
    assertThatThrownBy(() -> LocalGatewayMain.Options.parse(List.of("--port", "eighty")))
        .hasMessageContaining("--port needs a number (got 'eighty')");
    assertThatThrownBy(() -> LocalGatewayMain.Options.parse(List.of("--port")))
        .hasMessageContaining("--port needs a number");
    assertThatThrownBy(() -> LocalGatewayMain.Options.parse(List.of("--verbose")))
        .hasMessageContaining("unknown option '--verbose'");
  }

  @Test
  void listensOnTheChosenPort() throws Exception {
    int port;
    try (var probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    var printed = new ByteArrayOutputStream();
    try (var gateway =
        LocalGatewayMain.start(
            new LocalGatewayMain.Options(port, Duration.ZERO, false),
            new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      assertThat(gateway.port()).isEqualTo(port);
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("listening on http://127.0.0.1:" + port + "/v1")
          .contains("HELICONE_BASE_URL=http://127.0.0.1:" + port + "/v1");
      assertThat(post(gateway.baseUrl())).contains("Hello from the dspy4j local gateway");
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("[local gateway] #1 POST /v1/chat/completions");
    }
  }

  @Test
  void portZeroPicksAFreePortAndQuietPrintsNoRequestLines() throws Exception {
    var printed = new ByteArrayOutputStream();
    try (var gateway =
        LocalGatewayMain.start(
            new LocalGatewayMain.Options(0, Duration.ZERO, true),
            new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      assertThat(gateway.port()).isPositive();
      assertThat(post(gateway.baseUrl())).contains("Hello from the dspy4j local gateway");
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("listening on " + gateway.baseUrl())
          .doesNotContain("[local gateway] #1");
    }
  }

  private static String post(String baseUrl) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .header("Content-Type", "application/json")
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
