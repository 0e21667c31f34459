package dev.dspy4j.spring;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.lm.LanguageModel;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Installs the application's {@link LanguageModel} (when there is exactly one) and {@link LmCache}
 * as dspy4j's process-wide defaults once every singleton exists, before the web server takes
 * requests; forgets the LM again when the context closes. Package-private: not part of the API.
 */
final class DspyDefaults implements SmartInitializingSingleton, DisposableBean {

  private final ObjectProvider<LanguageModel> lm;
  private final ObjectProvider<LmCache> cache;
  private volatile @Nullable LanguageModel installed;

  public DspyDefaults(ObjectProvider<LanguageModel> lm, ObjectProvider<LmCache> cache) {
    this.lm = lm;
    this.cache = cache;
  }

  @Override
  public void afterSingletonsInstantiated() {
    LmCache c = cache.getIfUnique();
    if (c != null) {
      Dspy.configureCache(c);
    }
    LanguageModel m = lm.getIfUnique();
    if (m != null) {
      Dspy.configure(m);
      installed = m;
    }
  }

  @Override
  public void destroy() {
    LanguageModel m = installed;
    if (m != null && Dspy.configuredLm().orElse(null) == m) {
      Dspy.reset();
    }
  }
}
