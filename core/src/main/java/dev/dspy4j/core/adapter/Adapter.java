package dev.dspy4j.core.adapter;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a signature, demos and inputs into chat messages, and the LM's answer back into output
 * field values, like {@code dspy.Adapter}. Implementations are stateless and thread-safe.
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
  List<Message> format(Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs);

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
}
