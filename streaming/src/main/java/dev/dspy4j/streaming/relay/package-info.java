/**
 * Relaying a program's stream to a browser as server-sent events: dspy4j's own events, DSPy's
 * streaming response and the AI SDK's UI message stream.
 */
@NullMarked
package dev.dspy4j.streaming.relay;

import org.jspecify.annotations.NullMarked;
