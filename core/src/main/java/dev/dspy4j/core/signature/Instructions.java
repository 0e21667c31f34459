package dev.dspy4j.core.signature;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The instructions of a record signature (DSPy's signature docstring), placed on the input or the
 * output record of {@link Signature#of(Class, Class)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Instructions {
  /** The instruction text shown to the LM. */
  String value();
}
