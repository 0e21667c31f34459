package dev.dspy4j.core.program;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The DSPy attribute name of a program's field, when the snake_case form of the Java name is not
 * the name the Python program uses: {@code @DspyName("generateAnswer") final ChainOfThought gen} is
 * found by {@code namedPredictors()} as {@code generateAnswer.predict}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface DspyName {

  /** The attribute name as the Python program spells it. */
  String value();
}
