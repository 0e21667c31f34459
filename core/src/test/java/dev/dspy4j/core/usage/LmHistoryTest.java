package dev.dspy4j.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LmHistoryTest {

  static final String SECRET = "sk-live-0123456789abcdef";

  @Test
  void keepsOnlyTheLastCapacityEntriesOldestFirst() {
    var history = LmHistory.withCapacity(3);

    for (int i = 0; i < 5; i++) {
      history.record("m", LmRequest.ofUser("q" + i), LmResponse.of("a" + i));
    }

    assertThat(history.size()).isEqualTo(3);
    assertThat(history.entries())
        .extracting(e -> e.outputs().get(0))
        .containsExactly("a2", "a3", "a4");
    assertThat(history.last(2))
        .extracting(e -> e.messages().get(0).content())
        .containsExactly("q3", "q4");
    assertThat(history.last(10)).hasSize(3);
  }

  @Test
  void aDisabledHistoryKeepsNothing() {
    var history = LmHistory.disabled();

    history.record("m", LmRequest.ofUser("q"), LmResponse.of("a"));

    assertThat(history.isEnabled()).isFalse();
    assertThat(history.entries()).isEmpty();
  }

  @Test
  void anEntryHoldsTheCallInDspysTermsWithoutCredentials() {
    var clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    var history = LmHistory.withCapacity(10, clock);
    var request =
        LmRequest.builder(List.of(Message.system("be brief"), Message.user("hi")))
            .temperature(0.7)
            .maxTokens(256)
            .header("Authorization", "Bearer " + SECRET)
            .header("api-key", SECRET)
            .header("Helicone-Auth", "Bearer " + SECRET)
            .header("X-Access-Token", SECRET)
            .header("Helicone-Session-Id", "session-1")
            .extraBody(
                Map.of(
                    "api_key",
                    SECRET,
                    "metadata",
                    Map.of("client_secret", SECRET, "team", "a"),
                    "max_completion_tokens",
                    100))
            .build();
    var response = LmResponse.builder(List.of("hello")).usage(new Usage(12, 3, 15)).build();

    history.record("gpt-4o-mini", request, response);

    HistoryEntry entry = history.entries().get(0);
    assertThat(entry.model()).isEqualTo("gpt-4o-mini");
    assertThat(entry.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(entry.messages()).hasSize(2);
    assertThat(entry.outputs()).containsExactly("hello");
    assertThat(entry.usage()).isEqualTo(new Usage(12, 3, 15));
    assertThat(entry.cacheHit()).isFalse();
    assertThat(entry.kwargs()).containsEntry("temperature", 0.7).containsEntry("max_tokens", 256);
    @SuppressWarnings("unchecked")
    var headers = (Map<String, String>) entry.kwargs().get("headers");
    assertThat(headers)
        .containsEntry("Helicone-Session-Id", "session-1")
        .containsEntry("Authorization", "[REDACTED]")
        .containsEntry("api-key", "[REDACTED]")
        .containsEntry("Helicone-Auth", "[REDACTED]")
        .containsEntry("X-Access-Token", "[REDACTED]");
    @SuppressWarnings("unchecked")
    var body = (Map<String, Object>) entry.kwargs().get("extra_body");
    assertThat(body)
        .containsEntry("api_key", "[REDACTED]")
        .containsEntry("max_completion_tokens", 100);
    assertThat(body.get("metadata")).isEqualTo(Map.of("client_secret", "[REDACTED]", "team", "a"));
    assertThat(entry.toString()).doesNotContain(SECRET);
    assertThat(history.entries().toString()).doesNotContain(SECRET);
  }

  @Test
  void aCacheHitIsRecordedWithNoUsage() {
    var history = LmHistory.create();

    history.record(
        "m",
        LmRequest.ofUser("q"),
        LmResponse.builder(List.of("a")).usage(new Usage(1, 1, 2)).cacheHit(true).build());

    assertThat(history.entries().get(0).cacheHit()).isTrue();
    assertThat(history.entries().get(0).usage()).isEqualTo(Usage.ZERO);
  }

  @Test
  void aChainAppendsCompletedAndStreamedCalls() {
    var history = LmHistory.create();
    var lm =
        LmChain.builder(LmTransport.of(UsageTrackerTest.fakeLm("m", new Usage(7, 3, 10))))
            .cache(false)
            .history(history)
            .build();

    StepVerifier.create(lm.call("first"))
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(lm.tokens("second"))
        .expectNext("ans", "wer")
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(history.entries()).hasSize(2);
    HistoryEntry streamed = history.entries().get(1);
    assertThat(streamed.outputs()).containsExactly("answer");
    assertThat(streamed.usage()).isEqualTo(new Usage(7, 3, 10));
    assertThat(streamed.messages().get(0).content()).isEqualTo("second");
  }

  @Test
  void entriesGetDistinctVersion4Uuids() {
    var history = LmHistory.create();
    for (int i = 0; i < 100; i++) {
      history.record("m", LmRequest.ofUser("q"), LmResponse.of("a"));
    }

    assertThat(history.entries())
        .extracting(HistoryEntry::uuid)
        .doesNotHaveDuplicates()
        .allSatisfy(
            uuid -> {
              assertThat(uuid.version()).isEqualTo(4);
              assertThat(uuid.variant()).isEqualTo(2);
            });
  }

  @Test
  void aNegativeCapacityIsRejected() {
    assertThatThrownBy(() -> LmHistory.withCapacity(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must not be negative");
  }
}
