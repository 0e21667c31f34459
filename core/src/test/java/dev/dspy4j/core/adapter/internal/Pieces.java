package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.util.ArrayList;
import java.util.List;

/** What a {@link FieldSplitter} reports, collected as choice-0 field chunks without a path. */
final class Pieces {

  private Pieces() {}

  /** The pieces {@code splitter} reports for {@code delta}, in order. */
  static List<FieldChunk> accept(FieldSplitter splitter, String delta) {
    var out = new ArrayList<FieldChunk>();
    splitter.accept(delta, (field, text, last) -> out.add(new FieldChunk(field, text, last)));
    return out;
  }

  /** The pieces {@code splitter} reports when the answer ends, in order. */
  static List<FieldChunk> finish(FieldSplitter splitter) {
    var out = new ArrayList<FieldChunk>();
    splitter.finish((field, text, last) -> out.add(new FieldChunk(field, text, last)));
    return out;
  }
}
