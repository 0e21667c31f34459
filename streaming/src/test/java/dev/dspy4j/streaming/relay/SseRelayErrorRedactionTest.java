package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.test.SseParser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The browser never learns where the LM's gateway is: no URL, no address in an error event. */
class SseRelayErrorRedactionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode errorOf(Throwable failure) throws Exception {
    String body =
        String.join(
            "",
            SseRelay.create()
                .encoded(Flux.<StreamEvent>error(failure))
                .collectList()
                .block(Duration.ofSeconds(10)));
    List<SseParser.Event> events = SseParser.parse(body).events();
    assertThat(events).extracting(SseParser.Event::type).containsExactly("error");
    return JSON.readTree(events.get(0).data());
  }

  @Test
  void theGatewayUrlAndAddressesAreRemoved() throws Exception {
    var failure =
        new ConnectionException(
            "the connection to http://10.1.2.3:8080/v1/chat/completions failed:"
                + " AnnotatedConnectException (Connection refused: /10.1.2.3:8080) or [::1]:9 [request id r-7]",
            0,
            "r-7",
            null,
            null,
            null);

    JsonNode error = errorOf(failure);

    assertThat(error.get("type").asText()).isEqualTo("ConnectionException");
    assertThat(error.get("message").asText())
        .isEqualTo(
            "the connection to [url] failed: AnnotatedConnectException (Connection refused: [address]) or"
                + " [address] [request id r-7]");
  }

  @Test
  void aRealLmFailureReachesTheBrowserWithoutItsUrl() throws Exception {
    LM lm =
        LM.builder("m")
            .apiBase("http://127.0.0.1:1/internal-gateway/v1")
            .numRetries(0)
            .cache(false)
            .build();
    Throwable failure =
        lm.call("hi")
            .then(Mono.<Throwable>empty())
            .onErrorResume(Mono::just)
            .block(Duration.ofSeconds(10));
    assertThat(failure).isInstanceOf(ConnectionException.class);

    JsonNode error = errorOf(failure);

    assertThat(error.get("message").asText())
        .doesNotContain("127.0.0.1")
        .doesNotContain("internal-gateway")
        .contains("Connection refused");
  }

  @Test
  void serverMessagesKeepTheirText() throws Exception {
    JsonNode error =
        errorOf(
            new ServerException(
                "POST https://gw.internal/v1/chat/completions answered HTTP 503:"
                    + " overloaded. The server or provider failed.",
                503,
                null,
                null,
                "overloaded",
                null));

    assertThat(error.get("message").asText())
        .isEqualTo("POST [url] answered HTTP 503: overloaded. The server or provider failed.");
  }
}
