/**
 * Client-side rate limiting of LM calls: {@link dev.dspy4j.core.ratelimit.RateLimiter} and retries
 * on rate-limit answers.
 */
@NullMarked
package dev.dspy4j.core.ratelimit;

import org.jspecify.annotations.NullMarked;
