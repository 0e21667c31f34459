/** Spring Boot health indicator of the configured language model. */
@NullMarked
package dev.dspy4j.spring.health;

import org.jspecify.annotations.NullMarked;
