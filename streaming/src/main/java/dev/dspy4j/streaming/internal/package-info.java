/**
 * Implementation of {@link dev.dspy4j.streaming.LM}: SSE decoding, chunk parsing, request merging,
 * error mapping and retries. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.streaming.internal;

import org.jspecify.annotations.NullMarked;
