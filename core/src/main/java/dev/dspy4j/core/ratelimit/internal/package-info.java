/**
 * Implementation of rate limiting: reading rate-limit response headers. Not part of the API:
 * anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.ratelimit.internal;

import org.jspecify.annotations.NullMarked;
