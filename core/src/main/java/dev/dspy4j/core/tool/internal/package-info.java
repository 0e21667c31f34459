/**
 * Implementation of tools: argument validation against a tool's JSON schema. Not part of the API:
 * anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.tool.internal;

import org.jspecify.annotations.NullMarked;
