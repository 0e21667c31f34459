package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.MockServers;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/**
 * A header name or value that could split or corrupt the request (CR, LF, NUL, other controls,
 * separators in a name, characters that do not fit in a header byte) is refused before anything is
 * sent, wherever it comes from: the LM's headers, a request's headers, Helicone's Context headers.
 * The refusal never echoes a value (it may be a secret); it may name a bad header name, but never
 * with a raw line break or NUL (which could forge a log line).
 */
class HeaderInjectionTest extends PooledLmTest {

  private static final String PAYLOAD = "X-Injected: yes";

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailFast() {
    MockServers.failUnexpectedRequests(server);
  }

  /** The error message is safe to log: no value echoed, no raw control characters. */
  private static void assertSafeMessage(Throwable e, String name) {
    assertThat(e.getMessage())
        .isNotBlank()
        .doesNotContain("\r")
        .doesNotContain("\n")
        .doesNotContain("\u0000");
    if (name.equals("X-Note")) {
      assertThat(e.getMessage())
          .as("the bad value is not echoed")
          .doesNotContain(PAYLOAD)
          .doesNotContain("a\r");
    }
  }

  @AfterEach
  void theServerSawNothing() {
    assertThat(server.getRequestCount()).as("nothing reached the server").isZero();
  }

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("X-Note", "a\r\n" + PAYLOAD),
        Arguments.of("X-Note", "a\n" + PAYLOAD),
        Arguments.of("X-Note", "a\r" + PAYLOAD),
        Arguments.of("X-Note", "a\u0000" + PAYLOAD),
        Arguments.of("X-Note", "a\u007f" + PAYLOAD),
        Arguments.of("X-Note", "a\u2028" + PAYLOAD),
        Arguments.of(
            "X-Note", "a\u010d\u010a" + PAYLOAD), // ASCII CR LF in the low byte of wide chars
        Arguments.of("X-Note\r\n" + PAYLOAD, "v"),
        Arguments.of("X-Bad Name", "v"),
        Arguments.of("X-Bad:Name", "v"),
        Arguments.of("X-Bad\u0000Name", "v"),
        Arguments.of("X-Ünicode", "v"),
        Arguments.of("", "v"));
  }

  @ParameterizedTest(name = "[{index}] request header")
  @MethodSource("badHeaders")
  void aBadRequestHeaderIsRefusedBeforeSending(String name, String value) {
    // The same rule as an LM's default headers, applied where the request is built: no request
    // holding the header can exist, so none can be sent (theServerSawNothing checks).
    LmRequest.Builder request = LmRequest.builder(LmRequest.ofUser("hi").messages());
    assertThatThrownBy(() -> request.header(name, value))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertSafeMessage(e, name));
    assertThatThrownBy(() -> LmRequest.ofUser("hi").withHeader(name, value))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "[{index}] LM header")
  @MethodSource("badHeaders")
  void aBadLmHeaderIsRefusedWhenTheLmIsBuilt(String name, String value) {
    assertThatThrownBy(() -> lm(server.url("/v1").toString()).header(name, value))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertSafeMessage(e, name));
  }

  @ParameterizedTest(name = "[{index}] Helicone property")
  @MethodSource("badHeaders")
  void aBadHeliconeContextValueIsRefusedWhereItIsSet(String name, String value) {
    String property = name.isEmpty() ? "" : name.substring(2);
    LM lm = lm(server.url("/v1").toString()).build();
    // Either the Context writer refuses it at once, or the call fails before sending.
    try {
      var write = Helicone.property(property, value);
      StepVerifier.create(lm.complete(LmRequest.ofUser("hi")).contextWrite(write))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(LmConfigurationException.class);
                assertSafeMessage(e, name);
              })
          .verify(WAIT);
    } catch (IllegalArgumentException refusedAtOnce) {
      assertSafeMessage(refusedAtOnce, name);
    }
  }
}
