/** HTTP-level values shared by the LM transports, such as header values. */
@NullMarked
package dev.dspy4j.core.http;

import org.jspecify.annotations.NullMarked;
