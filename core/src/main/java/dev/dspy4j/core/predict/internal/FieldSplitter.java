package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.util.List;

/**
 * Turns the text deltas of an LM answer into {@link FieldChunk}s of output fields, without adapter
 * syntax. One instance per streamed answer; not thread-safe (a Flux delivers deltas serially).
 */
public interface FieldSplitter {

  /** The chunks this delta completes, in order (often none or one), as a new immutable list. */
  List<FieldChunk> accept(String delta);

  /** The chunks still held when the answer ends, each open field closed with {@code last=true}; immutable. */
  List<FieldChunk> finish();
}
