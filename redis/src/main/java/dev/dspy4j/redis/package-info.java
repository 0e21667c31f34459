/**
 * A Redis tier for dspy4j's LM cache ({@link dev.dspy4j.redis.RedisLmCache}), shared by every
 * process of a fleet. Implementation details are in {@code dev.dspy4j.redis.internal}, which is not
 * part of the API.
 */
@NullMarked
package dev.dspy4j.redis;

import org.jspecify.annotations.NullMarked;
