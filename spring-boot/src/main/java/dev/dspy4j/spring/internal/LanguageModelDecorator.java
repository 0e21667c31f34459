package dev.dspy4j.spring.internal;

import dev.dspy4j.core.lm.LanguageModel;
import java.util.function.UnaryOperator;

/**
 * Wraps the auto-configured LM in another concern (observation, error tracking for health); optional
 * parts of the starter contribute one as a bean, applied in {@code @Order} order (the last one
 * applied is the outermost). Not part of the API.
 */
@FunctionalInterface
public interface LanguageModelDecorator extends UnaryOperator<LanguageModel> {}
