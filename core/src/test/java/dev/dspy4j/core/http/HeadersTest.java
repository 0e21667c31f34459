package dev.dspy4j.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void lookupIgnoresCaseAndKeepsTheGivenSpelling() {
    Headers h = Headers.of("Helicone-Session-Id", "s1", "Accept", "text/event-stream");

    assertThat(h.get("helicone-session-id")).isEqualTo("s1");
    assertThat(h.get("HELICONE-SESSION-ID")).isEqualTo("s1");
    assertThat(h.value("accept")).hasValue("text/event-stream");
    assertThat(h.get("X-Missing")).isNull();
    assertThat(h.contains("ACCEPT")).isTrue();
    assertThat(h.names()).containsExactly("Helicone-Session-Id", "Accept");
  }

  @Test
  void insertionOrderIsKeptAndASameNameReplacesInPlace() {
    Headers h = Headers.builder().set("B", "1").set("A", "2").set("C", "3").set("a", "4").build();

    assertThat(h.names()).containsExactly("B", "a", "C");
    assertThat(h.asMap())
        .containsExactly(Map.entry("B", "1"), Map.entry("a", "4"), Map.entry("C", "3"));
    assertThat(h.size()).isEqualTo(3);
    var seen = new LinkedHashMap<String, String>();
    h.forEach(seen::put);
    assertThat(seen).containsExactlyEntriesOf(h.asMap());
  }

  @Test
  void withAndWithoutReturnNewHeadersAndLeaveTheOriginal() {
    Headers h = Headers.of("X-A", "1", "X-B", "2");

    Headers replaced = h.with("x-a", "9");
    Headers added = h.with("X-C", "3");
    Headers removed = h.without("x-A");

    assertThat(replaced.names()).containsExactly("x-a", "X-B");
    assertThat(replaced.get("X-A")).isEqualTo("9");
    assertThat(added.names()).containsExactly("X-A", "X-B", "X-C");
    assertThat(removed.names()).containsExactly("X-B");
    assertThat(h.without("X-Nothing")).isSameAs(h);
    assertThat(h.names()).containsExactly("X-A", "X-B");
    assertThat(h.get("X-A")).isEqualTo("1");
    assertThat(h.with(Headers.of("X-B", "8", "X-D", "4")).asMap())
        .containsExactly(Map.entry("X-A", "1"), Map.entry("X-B", "8"), Map.entry("X-D", "4"));
  }

  @Test
  void ofAMapValidatesAndMergesNamesThatDifferOnlyInCase() {
    var map = new LinkedHashMap<String, String>();
    map.put("x-trace", "1");
    map.put("X-Trace", "2");

    assertThat(Headers.of(map).asMap()).containsExactly(Map.entry("X-Trace", "2"));
    assertThat(Headers.of(Map.of())).isSameAs(Headers.empty());
    assertThat(Headers.empty().isEmpty()).isTrue();
    assertThat(Headers.empty().size()).isZero();
  }

  @Test
  void everyNameAndValueIsValidatedByTheOneRuleAndTheValueIsNeverInTheMessage() {
    assertThatThrownBy(
            () -> Headers.builder().set("Authorization", "Bearer sk-SECRET\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Authorization")
        .hasMessageNotContaining("sk-SECRET");
    assertThatThrownBy(() -> Headers.of("X-Name", "Zoë"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Name");
    assertThatThrownBy(() -> Headers.of("Bad Name", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Headers.of(Map.of("", "v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Headers.empty().with("X-Tab", "a\tb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Headers.builder().set("X-Null", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("X-Null");
    assertThatThrownBy(() -> Headers.builder().set(null, "v"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void toStringShowsNamesOnly() {
    Headers h = Headers.of("Authorization", "Bearer sk-SECRET-123", "Helicone-User-Id", "alice");

    assertThat(h.toString())
        .isEqualTo("Headers[Authorization, Helicone-User-Id]")
        .doesNotContain("sk-SECRET-123")
        .doesNotContain("alice");
  }

  @Test
  void equalityIgnoresNameCaseAndOrderButNotValues() {
    Headers a = Headers.of("Content-Type", "application/json", "X-Id", "1");
    Headers b = Headers.of("x-id", "1", "CONTENT-TYPE", "application/json");
    Headers differentValue = Headers.of("Content-Type", "application/JSON", "X-Id", "1");
    Headers fewer = Headers.of("Content-Type", "application/json");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(differentValue);
    assertThat(a).isNotEqualTo(fewer);
    assertThat(fewer).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(a.asMap());
  }

  @Test
  void theBuilderCanBeReusedWithoutChangingWhatItBuilt() {
    var b = Headers.builder().set("X-A", "1");
    Headers first = b.build();
    b.set("X-A", "2").set("X-B", "3").remove("x-a");

    assertThat(first.asMap()).containsExactly(Map.entry("X-A", "1"));
    assertThat(b.build().names()).containsExactly("X-B");
    assertThat(b.get("x-b")).isEqualTo("3");
    assertThat(first.toBuilder().build()).isEqualTo(first);
    assertThatThrownBy(() -> first.asMap().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> first.names().add("X"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requestIdIsTheFirstNonBlankOfHeliconeIdHeliconeRequestIdAndXRequestId() {
    assertThat(Headers.of("x-request-id", "prov", "helicone-id", " hel ").requestId())
        .hasValue("hel");
    assertThat(Headers.of("Helicone-Request-Id", "chosen", "X-Request-Id", "prov").requestId())
        .hasValue("chosen");
    assertThat(Headers.of("Helicone-Id", " ", "X-Request-Id", "prov").requestId()).hasValue("prov");
    assertThat(Headers.of("Content-Type", "application/json").requestId()).isEmpty();
    assertThat(List.of(Headers.empty().requestId())).containsExactly(java.util.Optional.empty());
  }
}
