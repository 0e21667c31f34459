package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.TestLms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The final error says how many attempts were made and why retrying stopped; each retry is logged
 * once at INFO (slf4j-simple's default level in these tests, written to System.err) with reason and
 * wait.
 */
class LmRetryReportingTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureTheLog() {
    MockServers.failUnexpectedRequests(server);
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreTheLog() {
    System.setErr(originalErr);
  }

  private String[] retryLines() {
    return Arrays.stream(err.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.contains("LM call failed, retry"))
        .toArray(String[]::new);
  }

  @Test
  void exhaustedRetriesCountTheAttemptsAndEachRetryIsLoggedOnceAtInfo() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(503)
              .body("{\"error\":{\"message\":\"overloaded\"}}")
              .build());
    }
    LM lm = TestLms.builder(server).numRetries(2).build();

    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("answered HTTP 503")
        .hasMessageEndingWith("[3 attempts: gave up after 2 retries]")
        .hasMessageNotContaining("it is retried")
        .satisfies(e -> assertThat(((LmException) e).attempts()).isEqualTo(3));
    String[] lines = retryLines();
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .contains("INFO")
        .contains("retry 1 of 2 in ")
        .contains("ServerException")
        .contains("overloaded")
        .doesNotContain(TestLms.API_KEY);
    assertThat(lines[1]).contains("retry 2 of 2 in ");
  }

  @Test
  void withNumRetriesZeroTheErrorSaysItWasNotRetried() {
    server.enqueue(new MockResponse.Builder().code(502).body("bad gateway").build());
    LM lm = TestLms.builder(server).numRetries(0).build();

    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(ServerException.class)
        .hasMessageEndingWith("[1 attempt: not retried, retries are off]");
    assertThat(retryLines()).isEmpty();
  }

  @Test
  void aNonRetryableErrorAfterARetrySaysSo() {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .body("{\"error\":{\"message\":\"bad model\"}}")
            .build());
    LM lm = TestLms.builder(server).numRetries(3).build();

    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageEndingWith("[2 attempts: this error is not retried]");
    assertThat(retryLines()).hasSize(1);
  }

  @Test
  void aFirstNonRetryableErrorKeepsItsMessage() {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .body("{\"error\":{\"message\":\"bad model\"}}")
            .build());
    LM lm = TestLms.builder(server).build();

    assertThatThrownBy(() -> lm.call("hi").block(Duration.ofSeconds(30)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageNotContaining("attempt")
        .satisfies(e -> assertThat(((LmException) e).attempts()).isEqualTo(1));
  }
}
