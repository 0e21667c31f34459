/**
 * Signatures: a task's typed input and output fields and instructions, from a string or a Java
 * record.
 */
@NullMarked
package dev.dspy4j.core.signature;

import org.jspecify.annotations.NullMarked;
