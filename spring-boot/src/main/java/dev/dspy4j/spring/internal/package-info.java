/**
 * Implementation of the Spring Boot starter: defaults, property checks, the LM decorator and recent
 * errors. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.spring.internal;

import org.jspecify.annotations.NullMarked;
