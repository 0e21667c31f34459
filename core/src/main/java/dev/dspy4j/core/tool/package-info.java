/** Tools an LM may call: {@link dev.dspy4j.core.tool.Tool} and its argument errors. */
@NullMarked
package dev.dspy4j.core.tool;

import org.jspecify.annotations.NullMarked;
