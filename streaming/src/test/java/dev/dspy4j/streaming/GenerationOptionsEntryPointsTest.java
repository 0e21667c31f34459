package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.CallConfig;
import dev.dspy4j.core.predict.Predict;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LM's defaults ({@code LM.Builder}), a request ({@code LmRequest.Builder}) and a module's
 * per-call config ({@code CallConfig}) all validate through {@link GenerationOptions}: the same bad
 * value gives the same exception, with the same message, at each of them.
 */
class GenerationOptionsEntryPointsTest {

  private static LmRequest.Builder request() {
    return LmRequest.builder(List.of(Message.user("q")));
  }

  /**
   * Runs every entry point and returns the one exception they all threw (class and message equal).
   */
  private static Throwable sameErrorFromEach(Map<String, Runnable> entryPoints) {
    Throwable first = null;
    for (var e : entryPoints.entrySet()) {
      Throwable thrown = catchThrowable(e.getValue()::run);
      assertThat(thrown).as(e.getKey()).isNotNull();
      if (first == null) {
        first = thrown;
      } else {
        assertThat(thrown)
            .as(e.getKey())
            .isExactlyInstanceOf(first.getClass())
            .hasMessage(first.getMessage());
      }
    }
    return first;
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.5, 2.5, Double.NaN})
  void badTemperatureIsTheSameErrorEverywhere(double t) {
    Throwable error =
        sameErrorFromEach(
            Map.of(
                "GenerationOptions", () -> GenerationOptions.empty().withTemperature(t),
                "LM.Builder", () -> LM.builder("gpt-4o-mini").temperature(t),
                "LmRequest.Builder", () -> request().temperature(t),
                "LmRequest.withTemperature", () -> request().build().withTemperature(t),
                "CallConfig", () -> CallConfig.DEFAULT.withTemperature(t),
                "Predict.withTemperature",
                    () -> Predict.of("question -> answer").withTemperature(t)));
    assertThat(error)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("temperature must be between 0 and 2, was " + t);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -7})
  void badMaxTokensIsTheSameErrorEverywhere(int maxTokens) {
    Throwable error =
        sameErrorFromEach(
            Map.of(
                "GenerationOptions", () -> GenerationOptions.empty().withMaxTokens(maxTokens),
                "LM.Builder", () -> LM.builder("gpt-4o-mini").maxTokens(maxTokens),
                "LmRequest.Builder", () -> request().maxTokens(maxTokens),
                "CallConfig", () -> CallConfig.DEFAULT.withMaxTokens(maxTokens)));
    assertThat(error)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokens must be positive, was " + maxTokens);
  }

  @Test
  void badNIsTheSameErrorEverywhereNIsAccepted() {
    Throwable error =
        sameErrorFromEach(
            Map.of(
                "GenerationOptions", () -> GenerationOptions.empty().withN(0),
                "LmRequest.Builder", () -> request().n(0),
                "CallConfig", () -> CallConfig.DEFAULT.withN(0),
                "CallConfig constructor",
                    () ->
                        new CallConfig(
                            OptionalDouble.empty(),
                            OptionalInt.of(0),
                            OptionalInt.empty(),
                            Optional.empty())));
    assertThat(error)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be at least 1, was 0");
  }

  @Test
  void nullStopSequenceIsTheSameErrorEverywhere() {
    List<String> withNull = Arrays.asList("a", null);
    Throwable error =
        sameErrorFromEach(
            Map.of(
                "GenerationOptions", () -> GenerationOptions.empty().withStop(withNull),
                "LmRequest.Builder", () -> request().stop(withNull)));
    assertThat(error)
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("stop must not contain null");
  }

  @Test
  void eachEntryPointStoresOneOptionsValue() {
    LM lm = LM.builder("gpt-4o-mini").apiKey("sk-test").temperature(0.3).maxTokens(50).build();
    assertThat(lm.temperature()).hasValue(0.3);
    assertThat(lm.maxTokens()).hasValue(50);
    assertThat(lm.toBuilder().build().temperature()).hasValue(0.3);
    assertThat(request().temperature(0.3).build().options())
        .isEqualTo(GenerationOptions.empty().withTemperature(0.3));
    assertThat(CallConfig.DEFAULT.withTemperature(0.3).withN(2).withMaxTokens(9).options())
        .isEqualTo(GenerationOptions.empty().withTemperature(0.3).withN(2).withMaxTokens(9));
  }
}
