/**
 * Token usage and call history of LM calls: trackers, history entries and the recording language
 * models.
 */
@NullMarked
package dev.dspy4j.core.usage;

import org.jspecify.annotations.NullMarked;
