/** Micrometer observation of LM calls in Spring Boot, including GenAI token-usage metrics. */
@NullMarked
package dev.dspy4j.spring.observation;

import org.jspecify.annotations.NullMarked;
