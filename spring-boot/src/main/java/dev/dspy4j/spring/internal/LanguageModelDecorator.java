package dev.dspy4j.spring.internal;

import dev.dspy4j.core.lm.LanguageModel;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.springframework.core.Ordered;

/**
 * Wraps the auto-configured LM in another concern (observation, error tracking for health);
 * optional parts of the starter contribute one as a bean. Applied in {@link #getOrder()} order: the
 * highest order is applied last and so is the outermost wrapper. Not part of the API.
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
