/**
 * Spring Boot auto-configuration of dspy4j: the language model from {@code dspy4j.*} properties and
 * its customizers.
 */
@NullMarked
package dev.dspy4j.spring;

import org.jspecify.annotations.NullMarked;
