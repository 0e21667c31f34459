/**
 * Implementation of usage and history recording: redaction of secrets. Not part of the API:
 * anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.usage.internal;

import org.jspecify.annotations.NullMarked;
