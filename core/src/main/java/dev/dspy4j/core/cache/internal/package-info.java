/**
 * Implementation of the LM cache: canonical request keys, the disk store and its entries, in-
 * flight call sharing. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.core.cache.internal;

import org.jspecify.annotations.NullMarked;
