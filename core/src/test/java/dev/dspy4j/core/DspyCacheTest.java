package dev.dspy4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.cache.LmCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DspyCacheTest {

  private final LmCache before = Dspy.cache();

  @AfterEach
  void restore() {
    Dspy.configureCache(before);
  }

  @Test
  void defaultCacheIsOneSharedInstance() {
    assertThat(Dspy.cache()).isInstanceOf(DefaultLmCache.class).isSameAs(Dspy.cache());
  }

  @Test
  void configureCacheReplacesTheProcessDefault() {
    LmCache mine = DefaultLmCache.builder().memoryMaxEntries(5).build();
    Dspy.configureCache(mine);
    assertThat(Dspy.cache()).isSameAs(mine);
  }

  @Test
  void configureCacheRejectsNull() {
    assertThatThrownBy(() -> Dspy.configureCache(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("lmCache must not be null");
  }
}
