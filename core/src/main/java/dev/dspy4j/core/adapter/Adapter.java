package dev.dspy4j.core.adapter;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a signature, demos and inputs into chat messages, and the LM's answer back into output
 * field values, like {@code dspy.Adapter}. Implementations are stateless and thread-safe.
 *
 * <p>An adapter also owns what depends on its answer syntax: how a streamed answer splits into
 * field pieces ({@link #fieldSplitter}) and which adapter to retry with when its answer cannot be
 * parsed ({@link #fallback}). A custom adapter that implements only {@link #name}, {@link #format}
 * and {@link #parse} streams no field pieces (a module's stream then carries only its final
 * prediction) and has no fallback; {@link ChatAdapter} and {@link JsonAdapter} define both.
 */
public interface Adapter {

  /** The adapter's name as DSPy spells it ({@code ChatAdapter}, {@code JSONAdapter}). */
  String name();

  /**
   * The messages for one call: system message, a user/assistant pair per demo (and per history
   * turn), then the user message with the inputs.
   *
   * @param demos few-shot examples: field name to value, inputs and outputs together
   * @param inputs the input values by field name
   */
  List<Message> format(
      Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs);

  /**
   * The output values parsed from the LM's text, in signature order; an optional output that is
   * absent maps to null.
   *
   * @throws AdapterParseException with the raw text, expected and found fields, when it cannot
   */
  Map<String, Object> parse(Signature signature, String completion);

  /** The OpenAI {@code response_format} this adapter asks for, if any. */
  default Optional<Map<String, Object>> responseFormat(Signature signature) {
    return Optional.empty();
  }

  /**
   * A new splitter for one streamed answer to {@code signature}, reporting pieces of the {@code
   * streamed} output fields only; empty when this adapter does not stream fields. The default is
   * empty: a module streaming through this adapter then emits no field chunks, only its final
   * prediction (parsed with {@link #parse}, exactly as a non-streamed call).
   *
   * @param streamed names of output fields of {@code signature} to report pieces of
   */
  default Optional<FieldSplitter> fieldSplitter(Signature signature, Set<String> streamed) {
    return Optional.empty();
  }

  /**
   * The adapter to retry with, once, when this one cannot parse the LM's answer ({@link
   * AdapterParseException}; never after an LM error), as DSPy's {@code ChatAdapter} retries with
   * its {@code JSONAdapter}. The retry is a second LM call formatted by the returned adapter; that
   * adapter's own fallback is not followed. The default is empty: no retry.
   */
  default Optional<Adapter> fallback() {
    return Optional.empty();
  }
}
