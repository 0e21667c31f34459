/**
 * Helicone features that call the gateway's own API: posting evaluation scores ({@link
 * dev.dspy4j.streaming.helicone.HeliconeEvals}).
 */
@NullMarked
package dev.dspy4j.streaming.helicone;

import org.jspecify.annotations.NullMarked;
