/**
 * Spring WebFlux integration: streaming predictions as server-sent events, error responses and
 * Helicone context from requests.
 */
@NullMarked
package dev.dspy4j.spring.webflux;

import org.jspecify.annotations.NullMarked;
