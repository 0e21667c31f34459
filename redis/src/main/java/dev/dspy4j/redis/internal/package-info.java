/**
 * Implementation of the Redis cache tier: connection, scripts, entries, the in-memory tier and
 * health. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.redis.internal;

import org.jspecify.annotations.NullMarked;
