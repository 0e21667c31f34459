package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class MemoryCacheTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static CacheKey key(int i) {
    return CacheKey.of("gpt-4o-mini", LmRequest.ofUser("question " + i));
  }

  @Test
  void memoryLayerHoldsAtMostMaxEntries() {
    DefaultLmCache cache = DefaultLmCache.builder().memoryMaxEntries(10).build();
    for (int i = 0; i < 200; i++) cache.put(key(i), LmResponse.of("answer " + i)).block(TIMEOUT);
    assertThat(cache.memoryEntries()).isBetween(1L, 10L);
  }

  @Test
  void memoryLayerHoldsAtMostMaxBytes() {
    // Each answer is about 20 KB (2 bytes a char): 100 KB holds at most 5.
    DefaultLmCache cache = DefaultLmCache.builder().memoryMaxBytes(100_000).build();
    String big = "x".repeat(10_000);
    for (int i = 0; i < 50; i++) cache.put(key(i), LmResponse.of(big + i)).block(TIMEOUT);
    assertThat(cache.memoryEntries()).isBetween(1L, 5L);
  }

  @Test
  void getOfAStoredEntryEmitsItAndAMissCompletesEmpty() {
    DefaultLmCache cache = DefaultLmCache.builder().build();
    StepVerifier.create(cache.put(key(1), LmResponse.of("one"))).expectComplete().verify(TIMEOUT);
    StepVerifier.create(cache.get(key(1)))
        .expectNext(LmResponse.of("one"))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(cache.get(key(2))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void builderRejectsNonsenseAtOnce() {
    assertThatThrownBy(() -> DefaultLmCache.builder().memoryMaxEntries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryMaxEntries must be at least 1");
    assertThatThrownBy(() -> DefaultLmCache.builder().diskMaxBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("diskMaxBytes");
    assertThatThrownBy(() -> DefaultLmCache.builder().diskDirectory(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("directory must not be null");
  }
}
