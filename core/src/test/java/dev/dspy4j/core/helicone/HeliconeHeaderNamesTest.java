package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeliconeHeaderNamesTest {

  @ParameterizedTest
  @CsvSource({
    "Helicone-Rate-Limit-Policy, Helicone-RateLimit-Policy",
    "helicone-ratelimit-polcy, Helicone-RateLimit-Policy",
    "Helicone-Sesion-Id, Helicone-Session-Id",
    "Helicone-SessionId, Helicone-Session-Id",
    "Helicone-Session_Path, Helicone-Session-Path",
    "Helicone-UserId, Helicone-User-Id",
    "Helicone-User, Helicone-User-Id",
    "Helicone-Cache-Enable, Helicone-Cache-Enabled",
    "Helicone-Retry-Enabeld, Helicone-Retry-Enabled",
    "Helicone-Omit-Requests, Helicone-Omit-Request",
    "Helicon-User-Id, Helicone-User-Id",
    "Helicone-Properties-Environment, Helicone-Property-Environment",
    "Helicone-Prop-Module, Helicone-Property-Module",
    "Helicone-Property_Version, Helicone-Property-Version"
  })
  void nearMissesOfKnownNamesGetTheRightName(String misspelt, String right) {
    assertThat(HeliconeHeaderNames.suggestion(misspelt)).contains(right);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Helicone-RateLimit-Policy",
        "helicone-ratelimit-policy",
        "HELICONE-SESSION-ID",
        "Helicone-Property-Anything",
        "Helicone-Auth",
        "Helicone-Target-Url",
        "Cache-Control",
        "Authorization",
        "Content-Type",
        "X-Request-Id",
        "Helicone-Prompt-Id",
        "Helicone-Cache-Seed",
        "Helicone-Cache-Save"
      })
  void correctNamesInAnyCaseAndOtherHeadersAreLeftAlone(String name) {
    assertThat(HeliconeHeaderNames.suggestion(name)).isEmpty();
  }

  @Test
  void checkSpellingLogsAWarningNamingTheRightHeaderOncePerName() {
    HeliconeHeaderNames.forgetWarnings(); // another test may have warned about this name already
    PrintStream original = System.err;
    var captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(HeliconeHeaderNames.checkSpelling("Helicone-Rate-Limit-Policy"))
          .contains("Helicone-RateLimit-Policy");
      assertThat(HeliconeHeaderNames.checkSpelling("Helicone-Rate-Limit-Policy"))
          .contains("Helicone-RateLimit-Policy");
      assertThat(HeliconeHeaderNames.checkSpelling("Helicone-RateLimit-Policy")).isEmpty();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("WARN")
        .contains(
            "'Helicone-Rate-Limit-Policy' looks like a misspelling of 'Helicone-RateLimit-Policy'");
    assertThat(log.split("looks like a misspelling", -1)).hasSize(2);
  }
}
