package dev.dspy4j.spring;

import dev.dspy4j.core.lm.LanguageModel;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.springframework.core.Ordered;

/**
 * Wraps the auto-configured LM (the one built from {@code dspy4j.lm.*}, after every {@link
 * Dspy4jLmCustomizer}) in another concern: every bean of this type is applied, in {@link
 * #getOrder()} order, the highest order last and so outermost. The starter contributes two: error
 * tracking for the health indicator (order 50) and the Micrometer observation (order 100); an
 * application may add its own. Not applied to a {@code LanguageModel} the application defines
 * itself.
 *
 * <pre>{@code
 * @Bean
 * LanguageModelDecorator auditLog() {
 *   return new LanguageModelDecorator(10, AuditedLanguageModel::new);
 * }
 * }</pre>
 *
 * @param order the position in the chain (lower is closer to the LM)
 * @param wrap the wrapping function
 */
public record LanguageModelDecorator(int order, UnaryOperator<LanguageModel> wrap)
    implements Ordered {

  /** Checks the function is present. */
  public LanguageModelDecorator {
    Objects.requireNonNull(wrap, "wrap");
  }

  @Override
  public int getOrder() {
    return order;
  }

  /** {@code lm} wrapped. */
  public LanguageModel apply(LanguageModel lm) {
    return wrap.apply(lm);
  }
}
