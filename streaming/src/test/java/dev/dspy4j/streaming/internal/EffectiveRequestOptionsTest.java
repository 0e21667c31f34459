package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

/** The effective request's generation options are the LM's defaults overridden by the call's. */
class EffectiveRequestOptionsTest {

  private static LmSettings lm(String model, GenerationOptions defaults) {
    return TestLmSettings.of(model, "sk-x", defaults, Headers.empty(), Map.of(), true, 3, 4096);
  }

  @Test
  void callValuesWinAndUnsetOnesFallBackToTheLmDefaults() {
    var defaults = GenerationOptions.empty().withTemperature(0.2).withMaxTokens(400);
    var call =
        LmRequest.builder(List.of(Message.user("q")))
            .temperature(0.9)
            .n(3)
            .stop(List.of("END"))
            .build();

    LmRequest effective =
        EffectiveRequest.resolve(lm("gpt-4o-mini", defaults), call, Context.empty());

    assertThat(effective.options()).isEqualTo(defaults.overrideWith(call.options()));
    assertThat(effective.options())
        .isEqualTo(
            GenerationOptions.empty()
                .withTemperature(0.9)
                .withMaxTokens(400)
                .withN(3)
                .withStop(List.of("END")));
  }

  @Test
  void aCallWithoutOptionsGetsTheLmDefaultsUnchanged() {
    var defaults = GenerationOptions.empty().withTemperature(1.2).withMaxTokens(64);
    assertThat(
            EffectiveRequest.resolve(
                    lm("gpt-4o-mini", defaults), LmRequest.ofUser("q"), Context.empty())
                .options())
        .isEqualTo(defaults);
  }

  @Test
  void theReasoningCheckReadsTheMergedOptions() {
    // The LM's default temperature 0.5 is not allowed for o3, but the call's 1.0 overrides it.
    var defaults = GenerationOptions.empty().withTemperature(0.5).withMaxTokens(20_000);
    LmRequest fixed = LmRequest.ofUser("q").withTemperature(1.0);
    assertThat(EffectiveRequest.resolve(lm("o3", defaults), fixed, Context.empty()).temperature())
        .hasValue(1.0);
    assertThatThrownBy(
            () ->
                EffectiveRequest.resolve(
                    lm("o3", defaults), LmRequest.ofUser("q"), Context.empty()))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("temperature 0.5");
  }
}
