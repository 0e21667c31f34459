/**
 * Implementation of program files: JSON trees and orjson-compatible output. Not part of the API:
 * anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.program.internal;

import org.jspecify.annotations.NullMarked;
