package dev.dspy4j.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderValuesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\rb",
        "a\nb",
        "a\r\nX-Injected: 1",
        "a\u0000b",
        "a\tb",
        "a\u007Fb",
        "\u001B[31m"
      })
  void controlCharactersAreRejectedNamingTheHeader(String value) {
    assertThatThrownBy(() -> HeaderValues.validate("X-Trace", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("header 'X-Trace' contains the control character U+00");
  }

  @Test
  void theValueIsNeverRepeatedInTheMessage() {
    assertThatThrownBy(() -> HeaderValues.validate("Authorization", "Bearer sk-SECRET-123\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Authorization")
        .hasMessageNotContaining("sk-SECRET-123")
        .hasMessageNotContaining("Bearer");
    assertThatThrownBy(() -> HeaderValues.validate("Authorization", "Bearer sk-SECRET-é"))
        .hasMessageNotContaining("sk-SECRET");
  }

  @Test
  void nonAsciiIsRejectedWithAdviceOnEncoding() {
    assertThatThrownBy(() -> HeaderValues.validate("Helicone-User-Id", "Zoë"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-User-Id")
        .hasMessageContaining("U+00EB at index 2")
        .hasMessageContaining("HeaderValues.percentEncode(value)");
  }

  @Test
  void printableAsciiAndSpacesAreAccepted() {
    assertThatCode(
            () -> HeaderValues.validate("Helicone-Session-Name", "Customer Support (EU) #1 ~ 100%"))
        .doesNotThrowAnyException();
    assertThatCode(() -> HeaderValues.validate("X-Empty", "")).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad Header", "X-Ünicode", "X:Colon", "X\r\nY", "(paren)", "a/b"})
  void invalidHeaderNamesAreRejected(String name) {
    assertThatThrownBy(() -> HeaderValues.validate(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("\n");
  }

  @Test
  void tokenNamesAreAccepted() {
    assertThat(HeaderValues.isValidName("Helicone-Property-My_Prop.v2")).isTrue();
    assertThat(HeaderValues.isValidName("!#$%&'*+-.^_`|~09azAZ")).isTrue();
    assertThat(HeaderValues.isValidName("with space")).isFalse();
  }

  @Test
  void percentEncodingMakesAnyTextSafeAndDecodesBack() {
    assertThat(HeaderValues.percentEncode("Kundenservice München"))
        .isEqualTo("Kundenservice M%C3%BCnchen");
    assertThat(HeaderValues.percentEncode("50% off\n")).isEqualTo("50%25 off%0A");
    assertThat(HeaderValues.percentEncode("日本 🎉")).isEqualTo("%E6%97%A5%E6%9C%AC %F0%9F%8E%89");

    var random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      String text = randomText(random);
      String encoded = HeaderValues.percentEncode(text);
      assertThatCode(() -> HeaderValues.validate("X-Text", encoded)).doesNotThrowAnyException();
      assertThat(HeaderValues.percentDecode(encoded)).isEqualTo(text);
    }
  }

  @Test
  void percentDecodeRejectsABrokenEscape() {
    assertThatThrownBy(() -> HeaderValues.percentDecode("100%"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeaderValues.percentDecode("%G1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Random code points from ASCII controls to emoji, as well-formed UTF-16. */
  private static String randomText(Random random) {
    var sb = new StringBuilder();
    int length = random.nextInt(20);
    for (int i = 0; i < length; i++) {
      int cp;
      do {
        cp =
            switch (random.nextInt(4)) {
              case 0 -> random.nextInt(0x80);
              case 1 -> 0x80 + random.nextInt(0x780);
              case 2 -> 0x800 + random.nextInt(0xF800);
              default -> 0x10000 + random.nextInt(0x100000);
            };
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }
}
