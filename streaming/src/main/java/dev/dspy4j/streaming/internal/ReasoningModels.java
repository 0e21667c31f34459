package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmConfigurationException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * OpenAI reasoning models ({@code o1}, {@code o3}, {@code o4-mini}, {@code gpt-5*} except {@code
 * gpt-5-chat*}), recognised with or without a Helicone {@code /provider} suffix. They take {@code
 * max_completion_tokens}, and (as in DSPy) only temperature 1.0 and at least 16000 tokens.
 */
public final class ReasoningModels {

  /**
   * DSPy's pattern, extended with {@code -pro} and with {@code gpt-5.x} (any {@code gpt-5*} but
   * {@code gpt-5-chat*}).
   */
  private static final Pattern REASONING =
      Pattern.compile(
          "^(?:o[1345](?:-(?:mini|nano|pro))?(?:-\\d{4}-\\d{2}-\\d{2})?|gpt-5(?!-chat).*)$");

  /** The smallest max tokens DSPy accepts for a reasoning model. */
  public static final int MIN_MAX_TOKENS = 16_000;

  private ReasoningModels() {}

  /** The last model asked about and the answer: an LM asks about its own model on every call. */
  private record Answer(String model, boolean reasoning) {}

  private static volatile Answer last = new Answer("", false);

  /** True when {@code model} (e.g. {@code o3-mini}, {@code gpt-5/openai}) is a reasoning model. */
  public static boolean isReasoningModel(String model) {
    Answer answer = last;
    if (!answer.model().equals(model)) {
      answer = new Answer(model, matches(model));
      last = answer;
    }
    return answer.reasoning();
  }

  private static boolean matches(String model) {
    int slash = model.indexOf('/');
    String family = (slash < 0 ? model : model.substring(0, slash)).trim().toLowerCase(Locale.ROOT);
    return REASONING.matcher(family).matches();
  }

  /**
   * Checks the temperature and max tokens of {@code options} (the LM's defaults, or a call's merged
   * options) against {@code model}'s rules.
   *
   * @throws LmConfigurationException when a reasoning model gets a value it rejects
   */
  public static void check(String model, GenerationOptions options) {
    if (!isReasoningModel(model)) {
      return;
    }
    if (options.temperature().isPresent() && options.temperature().getAsDouble() != 1.0) {
      double temperature = options.temperature().getAsDouble();
      throw new LmConfigurationException(
          "reasoning model "
              + model
              + " only accepts temperature 1.0 (or none), "
              + "but temperature "
              + temperature
              + " was set; remove it or set it to 1.0");
    }
    if (options.maxTokens().isPresent() && options.maxTokens().getAsInt() < MIN_MAX_TOKENS) {
      int maxTokens = options.maxTokens().getAsInt();
      throw new LmConfigurationException(
          "reasoning model "
              + model
              + " needs maxTokens of at least "
              + MIN_MAX_TOKENS
              + " (it spends tokens on hidden reasoning), but maxTokens "
              + maxTokens
              + " was set; raise it or leave it unset");
    }
  }
}
