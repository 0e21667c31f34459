/**
 * Micrometer observations of LM calls ({@link
 * dev.dspy4j.core.usage.micrometer.ObservedLanguageModel}); needs the optional micrometer-
 * observation.
 */
@NullMarked
package dev.dspy4j.core.usage.micrometer;

import org.jspecify.annotations.NullMarked;
