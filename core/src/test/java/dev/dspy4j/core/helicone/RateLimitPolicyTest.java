package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitPolicyTest {

  @Test
  void requestsPerHourPerUserIsTheDocumentedString() {
    assertThat(
            RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser().headerValue())
        .isEqualTo("1000;w=3600;u=request;s=user");
  }

  @Test
  void centsPerDayIsGlobalWithUnitCents() {
    assertThat(RateLimitPolicy.cents(500).per(Duration.ofDays(1)).headerValue())
        .isEqualTo("500;w=86400;u=cents");
  }

  @Test
  void fractionalCentsAreWrittenPlainly() {
    assertThat(
            RateLimitPolicy.cents(new BigDecimal("0.5")).per(Duration.ofMinutes(1)).headerValue())
        .isEqualTo("0.5;w=60;u=cents");
  }

  @Test
  void segmentByPropertyPutsTheUnitBeforeTheSegment() {
    assertThat(
            RateLimitPolicy.requests(100)
                .per(Duration.ofMinutes(1))
                .segmentBy("Organization")
                .headerValue())
        .isEqualTo("100;w=60;u=request;s=Organization");
  }

  @Test
  void windowBoundsAreSixtySecondsAndThreeHundredSixtyFiveDays() {
    assertThat(RateLimitPolicy.requests(1).per(Duration.ofSeconds(60)).headerValue())
        .isEqualTo("1;w=60;u=request");
    assertThat(RateLimitPolicy.requests(1).per(Duration.ofDays(365)).headerValue())
        .isEqualTo("1;w=31536000;u=request");
    assertThatThrownBy(() -> RateLimitPolicy.requests(1).per(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 60 seconds and 365 days");
    assertThatThrownBy(() -> RateLimitPolicy.requests(1).per(Duration.ofDays(365).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("31536000");
  }

  @Test
  void aWindowOfFractionalSecondsIsRejectedRatherThanRounded() {
    assertThatThrownBy(() -> RateLimitPolicy.requests(1).per(Duration.ofMillis(90_500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number of seconds");
  }

  @Test
  void quotaMustBePositive() {
    assertThatThrownBy(() -> RateLimitPolicy.requests(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> RateLimitPolicy.cents(-5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimitPolicy.cents(BigDecimal.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "org id", "org;s=x", "org=1", "orgé", "a,b"})
  void illegalSegmentPropertyNamesAreRejected(String name) {
    var policy = RateLimitPolicy.requests(1).per(Duration.ofMinutes(1));
    assertThatThrownBy(() -> policy.segmentBy(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("property name");
  }

  @Test
  void aPropertyNamedUserIsRejectedBecauseSEqualsUserMeansTheUserId() {
    var policy = RateLimitPolicy.requests(1).per(Duration.ofMinutes(1));
    assertThatThrownBy(() -> policy.segmentBy("User"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segmentByUser()");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1000;w=3600;u=request;s=user",
        "500;w=86400;u=cents",
        "100;w=60;u=request;s=organization",
        "0.5;w=60;u=cents"
      })
  void parseRoundTripsEveryBuiltString(String value) {
    assertThat(RateLimitPolicy.parse(value).headerValue()).isEqualTo(value);
  }

  @Test
  void parseAcceptsTheGatewaysOptionalPartsAndCase() {
    assertThat(RateLimitPolicy.parse("1000;w=3600").headerValue())
        .isEqualTo("1000;w=3600;u=request");
    assertThat(RateLimitPolicy.parse(" 10;W=60;U=CENTS;S=USER ").segmentedByUser()).isTrue();
    assertThat(RateLimitPolicy.parse("10;w=60;s=Org").segmentProperty()).contains("Org");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "basic-100", // the seed page's value: silently ignored by the gateway
        "1000", // no window
        "1000;w=3600;s=user;u=request", // s before u
        "1000;w=59", // window too short
        "1000;w=31536001", // window too long
        "0;w=60", // zero quota
        "-1;w=60",
        "1000;w=3600;u=tokens",
        "1000;w=3600;s=",
        "1000;w=3600;s=org id",
        "1000;w=99999999999999999999999",
        "1000; w=3600"
      })
  void parseRejectsWhatTheGatewayWouldIgnore(String value) {
    assertThatThrownBy(() -> RateLimitPolicy.parse(value))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseExplainsTheGrammarForBasic100() {
    assertThatThrownBy(() -> RateLimitPolicy.parse("basic-100"))
        .hasMessageContaining("'basic-100' is not a valid Helicone-RateLimit-Policy")
        .hasMessageContaining("<quota>;w=<seconds>")
        .hasMessageContaining("RateLimitPolicy.requests(1000).per(Duration.ofHours(1))");
  }

  @Test
  void segmentHeadersAreRequiredOnlyForSegmentedPolicies() {
    var global = RateLimitPolicy.requests(1).per(Duration.ofMinutes(1));
    global.requireSegmentHeaders(Map.of()); // nothing needed: must not throw

    var perUser = global.segmentByUser();
    assertThatThrownBy(() -> perUser.requireSegmentHeaders(Map.of("Helicone-User-Id", " ")))
        .isInstanceOf(IllegalArgumentException.class);
    perUser.requireSegmentHeaders(Map.of("helicone-user-id", "u"));

    var perOrg = global.segmentBy("org");
    assertThatThrownBy(() -> perOrg.requireSegmentHeaders(Map.of("Helicone-User-Id", "u")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Property-org");
    perOrg.requireSegmentHeaders(Map.of("HELICONE-PROPERTY-ORG", "acme"));
  }

  @Test
  void equalPoliciesCompareEqual() {
    assertThat(RateLimitPolicy.parse("1000;w=3600"))
        .isEqualTo(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)))
        .hasSameHashCodeAs(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)));
    assertThat(RateLimitPolicy.parse("1000;w=3600;s=user"))
        .isNotEqualTo(RateLimitPolicy.requests(1000).per(Duration.ofHours(1)));
  }
}
