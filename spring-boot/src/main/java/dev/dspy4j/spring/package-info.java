/**
 * Spring Boot auto-configuration of dspy4j: the language model from {@code dspy4j.*} properties,
 * its customizers and decorators.
 *
 * <p>The starter jar is the automatic module {@code dev.dspy4j.spring} (like Spring Boot's own
 * jars), which exports every package; so it has no internal package, and its implementation is
 * package-private in the package that uses it. The public types are listed in {@code
 * docs/api/dev.dspy4j.spring.txt}, checked by {@code ModuleApiTest}.
 */
@NullMarked
package dev.dspy4j.spring;

import org.jspecify.annotations.NullMarked;
