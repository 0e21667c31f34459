/**
 * Implementation of the adapters: Python-compatible JSON, repr and text formatting, JSON repair and
 * schemas, value conversion. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.adapter.internal;

import org.jspecify.annotations.NullMarked;
