package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

class EffectiveRequestTest {

  private static LmSettings lm(
      String model,
      Double temperature,
      Integer maxTokens,
      Map<String, String> headers,
      Map<String, Object> extraBody,
      boolean cache) {
    var options = GenerationOptions.empty();
    if (temperature != null) options = options.withTemperature(temperature);
    if (maxTokens != null) options = options.withMaxTokens(maxTokens);
    return TestLmSettings.of(
        model, "sk-x", options, Headers.of(headers), extraBody, cache, 3, 4096);
  }

  @Test
  void headersMergeLmDefaultsThenContextThenCallIgnoringCase() {
    var lmHeaders = new LinkedHashMap<String, String>();
    lmHeaders.put("Helicone-Property-Env", "lm");
    lmHeaders.put("Helicone-Session-Id", "lm-session");
    lmHeaders.put("X-Only-Lm", "1");
    Context context =
        Helicone.with(HeliconeHeaders.builder().sessionId("ctx-session").userId("ctx-user").build())
            .apply(Context.empty());
    LmRequest call = LmRequest.ofUser("q").withHeader("HELICONE-USER-ID", "call-user");

    LmRequest effective =
        EffectiveRequest.resolve(
            lm("gpt-4o-mini", null, null, lmHeaders, Map.of(), true), call, context);

    assertThat(effective.headers().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "Helicone-Property-Env", "lm",
                "Helicone-Session-Id", "ctx-session",
                "X-Only-Lm", "1",
                "HELICONE-USER-ID", "call-user"));
  }

  @Test
  void perCallSettingsWinAndExtraBodyMergesKeyByKey() {
    LmRequest call =
        LmRequest.builder(List.of(dev.dspy4j.core.lm.Message.user("q")))
            .temperature(0.9)
            .extraBody(Map.of("b", 2))
            .cache(false)
            .rolloutId("r1")
            .build();
    LmRequest effective =
        EffectiveRequest.resolve(
            lm("gpt-4o-mini", 0.1, 300, Map.of(), Map.of("a", 1, "b", 1), true),
            call,
            Context.empty());

    assertThat(effective.temperature()).hasValue(0.9);
    assertThat(effective.maxTokens()).hasValue(300);
    assertThat(effective.extraBody()).isEqualTo(Map.of("a", 1, "b", 2));
    assertThat(effective.cache()).contains(false);
    assertThat(effective.rolloutId()).contains("r1");
  }

  @Test
  void theLmCacheSwitchIsTheDefault() {
    assertThat(
            EffectiveRequest.resolve(
                    lm("m", null, null, Map.of(), Map.of(), false),
                    LmRequest.ofUser("q"),
                    Context.empty())
                .cache())
        .contains(false);
  }

  @Test
  void anIllegalCallHeaderIsRefusedWhereTheRequestIsBuiltNamingTheHeaderButNotItsValue() {
    assertThatThrownBy(
            () -> LmRequest.ofUser("q").withHeader("Helicone-Property-Name", "secret-part\nb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Property-Name")
        .hasMessageNotContaining("secret-part");
  }

  @Test
  void aCallHeaderTheGatewayWouldIgnoreIsAConfigurationErrorWhenMerged() {
    assertThatThrownBy(
            () ->
                EffectiveRequest.resolve(
                    lm("m", null, null, Map.of(), Map.of(), true),
                    LmRequest.ofUser("q").withHeader("Helicone-RateLimit-Policy", "basic-100"),
                    Context.empty()))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("Helicone-RateLimit-Policy");
  }

  @Test
  void reasoningModelRulesApplyToTheMergedValues() {
    LmSettings o3 = lm("o3", null, 20_000, Map.of(), Map.of(), true);
    assertThat(
            EffectiveRequest.resolve(
                    o3, LmRequest.ofUser("q").withTemperature(1.0), Context.empty())
                .temperature())
        .hasValue(1.0);
    assertThatThrownBy(
            () ->
                EffectiveRequest.resolve(
                    o3, LmRequest.ofUser("q").withMaxTokens(15_999), Context.empty()))
        .isInstanceOf(LmConfigurationException.class);
  }
}
