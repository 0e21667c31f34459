package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerationOptionsTest {

  private static final GenerationOptions EMPTY = GenerationOptions.empty();

  @Test
  void emptyHasNothingSet() {
    assertThat(EMPTY.isEmpty()).isTrue();
    assertThat(EMPTY.temperature()).isEmpty();
    assertThat(EMPTY.maxTokens()).isEmpty();
    assertThat(EMPTY.n()).isEmpty();
    assertThat(EMPTY.stop()).isEmpty();
    assertThat(EMPTY).hasToString("GenerationOptions[]");
  }

  @Test
  void withMethodsSetOneValueEachAndLeaveTheOriginalAlone() {
    var options = EMPTY.withTemperature(0.7).withMaxTokens(100).withN(3).withStop(List.of("###"));
    assertThat(options.temperature()).hasValue(0.7);
    assertThat(options.maxTokens()).hasValue(100);
    assertThat(options.n()).hasValue(3);
    assertThat(options.stop()).containsExactly("###");
    assertThat(options.isEmpty()).isFalse();
    assertThat(options)
        .hasToString("GenerationOptions[temperature=0.7, maxTokens=100, n=3, stop=[###]]");
    assertThat(EMPTY.isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1.0, 2.0})
  void temperatureBoundsAreInclusive(double t) {
    assertThat(EMPTY.withTemperature(t).temperature()).hasValue(t);
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {-0.01, 2.01, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void temperatureOutsideZeroToTwoIsRejected(double t) {
    assertThatThrownBy(() -> EMPTY.withTemperature(t))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("temperature must be between 0 and 2, was " + t);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxTokensBelowOneIsRejected(int maxTokens) {
    assertThatThrownBy(() -> EMPTY.withMaxTokens(maxTokens))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokens must be positive, was " + maxTokens);
    assertThat(EMPTY.withMaxTokens(1).maxTokens()).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -3})
  void nBelowOneIsRejected(int n) {
    assertThatThrownBy(() -> EMPTY.withN(n))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be at least 1, was " + n);
    assertThat(EMPTY.withN(1).n()).hasValue(1);
  }

  @Test
  void theCanonicalConstructorValidatesToo() {
    assertThatThrownBy(
            () ->
                new GenerationOptions(
                    OptionalDouble.of(3.0), OptionalInt.empty(), OptionalInt.empty(), List.of()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("temperature must be between 0 and 2, was 3.0");
    assertThatThrownBy(
            () -> new GenerationOptions(null, OptionalInt.empty(), OptionalInt.empty(), List.of()))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("temperature must not be null");
  }

  @Test
  void stopMustNotBeNullNorHoldNullAndIsCopied() {
    assertThatThrownBy(() -> EMPTY.withStop(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("stop must not be null");
    assertThatThrownBy(() -> EMPTY.withStop(Arrays.asList("a", null)))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("stop must not contain null");

    var source = new ArrayList<>(List.of("a"));
    var options = EMPTY.withStop(source);
    source.add("b");
    assertThat(options.stop()).containsExactly("a");
    assertThatThrownBy(() -> options.stop().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void overrideWithLetsTheOthersSetValuesWin() {
    var lm = EMPTY.withTemperature(0.2).withMaxTokens(500).withStop(List.of("END"));
    var call = EMPTY.withTemperature(0.9).withN(2);

    var merged = lm.overrideWith(call);

    assertThat(merged.temperature()).hasValue(0.9); // both set: the call's
    assertThat(merged.maxTokens()).hasValue(500); // only the LM's
    assertThat(merged.n()).hasValue(2); // only the call's
    assertThat(merged.stop()).containsExactly("END"); // the call has none: the LM's
  }

  @Test
  void overrideWithReplacesStopSequencesAsOneValue() {
    var lm = EMPTY.withStop(List.of("A", "B"));
    assertThat(lm.overrideWith(EMPTY.withStop(List.of("C"))).stop()).containsExactly("C");
  }

  @Test
  void overrideWithEmptyOnEitherSideIsTheOtherSide() {
    var options = EMPTY.withTemperature(1.5).withN(4);
    assertThat(options.overrideWith(EMPTY)).isSameAs(options);
    assertThat(EMPTY.overrideWith(options)).isSameAs(options);
    assertThat(EMPTY.overrideWith(EMPTY)).isEqualTo(EMPTY);
    assertThatThrownBy(() -> options.overrideWith(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void overrideWithIsNotSymmetric() {
    var a = EMPTY.withTemperature(0.1).withMaxTokens(10);
    var b = EMPTY.withTemperature(0.5);
    assertThat(a.overrideWith(b).temperature()).hasValue(0.5);
    assertThat(b.overrideWith(a).temperature()).hasValue(0.1);
    assertThat(b.overrideWith(a).maxTokens()).hasValue(10);
  }

  @Test
  void equalityIsByValueWhicheverWayTheOptionsWereBuilt() {
    var viaWith = EMPTY.withN(2).withTemperature(0.3).withStop(List.of("x"));
    var viaConstructor =
        new GenerationOptions(
            OptionalDouble.of(0.3),
            OptionalInt.empty(),
            OptionalInt.of(2),
            new ArrayList<>(List.of("x")));
    var viaMerge = EMPTY.withTemperature(0.3).overrideWith(EMPTY.withN(2).withStop(List.of("x")));

    assertThat(viaWith).isEqualTo(viaConstructor).isEqualTo(viaMerge);
    assertThat(viaWith.hashCode())
        .isEqualTo(viaConstructor.hashCode())
        .isEqualTo(viaMerge.hashCode());
    assertThat(viaWith).isNotEqualTo(viaWith.withN(3));
    assertThat(viaWith).isNotEqualTo(viaWith.withStop(List.of()));
  }

  @Test
  void lmRequestHoldsOneOptionsValueAndItsAccessorsDelegate() {
    var request =
        LmRequest.builder(List.of(Message.user("q")))
            .temperature(0.4)
            .n(2)
            .stop(List.of("Z"))
            .build();
    assertThat(request.options())
        .isEqualTo(EMPTY.withTemperature(0.4).withN(2).withStop(List.of("Z")));
    assertThat(request.temperature()).hasValue(0.4);
    assertThat(request.n()).hasValue(2);
    assertThat(request.maxTokens()).isEmpty();
    assertThat(request.stop()).containsExactly("Z");

    var replaced = request.toBuilder().options(EMPTY.withMaxTokens(7)).build();
    assertThat(replaced.options()).isEqualTo(EMPTY.withMaxTokens(7));
    assertThat(replaced.withTemperature(1.0).options())
        .isEqualTo(EMPTY.withMaxTokens(7).withTemperature(1.0));
    assertThat(request.toBuilder().build()).isEqualTo(request);
  }
}
