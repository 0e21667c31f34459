package dev.dspy4j.core.adapter;

/**
 * Turns the text deltas of one streamed LM answer into pieces of output field values, without the
 * adapter's syntax (markers, quotes, escapes): what {@code Predict.stream} emits as field chunks.
 * An {@link Adapter} that can stream fields makes one per streamed answer ({@link
 * Adapter#fieldSplitter}); the concatenated pieces of a field should equal the value the adapter's
 * {@link Adapter#parse} reads for it (as text).
 *
 * <p>Pieces are reported to a {@link Sink} rather than returned, so that a delta that completes
 * nothing costs no allocation. Not thread-safe: a stream delivers its deltas serially.
 */
public interface FieldSplitter {

  /**
   * Takes the next text delta of the answer and reports the pieces it completes, in order (often
   * none or one). Text that could still turn out to be syntax may be held back until a later delta.
   */
  void accept(String delta, Sink sink);

  /**
   * The answer ended: reports the text still held and closes each open field with {@code
   * last=true}.
   */
  void finish(Sink sink);

  /** Receives the pieces of field values a {@link FieldSplitter} finds. */
  @FunctionalInterface
  interface Sink {

    /**
     * One piece of an output field's value.
     *
     * @param field the output field name
     * @param text the new text; empty only on a {@code last} piece
     * @param last true on the field's final piece
     */
    void field(String field, String text, boolean last);
  }
}
