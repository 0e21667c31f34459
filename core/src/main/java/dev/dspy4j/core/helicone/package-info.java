/**
 * Helicone AI Gateway integration: request headers, caching and rate-limit policies, sessions,
 * prompts and response metadata.
 */
@NullMarked
package dev.dspy4j.core.helicone;

import org.jspecify.annotations.NullMarked;
