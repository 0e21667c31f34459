package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReasoningModelsTest {

  @ParameterizedTest
  @CsvSource({
    "o1, true",
    "o1-mini, true",
    "o3, true",
    "o3-mini, true",
    "o4-mini, true",
    "o4-mini/openai, true",
    "gpt-5, true",
    "gpt-5-mini, true",
    "gpt-5-nano/azure, true",
    "GPT-5, true",
    "o3-2025-04-16, true",
    "gpt-5-chat, false",
    "gpt-5-chat-latest, false",
    "gpt-4o, false",
    "gpt-4o-mini/openai, false",
    "o1x, false",
    "claude-3-5-haiku, false",
    "gpt-5.1, true",
    "gpt-5.1-chat-latest, true"
  })
  void recognisesReasoningModelsWithOrWithoutAProviderSuffix(String model, boolean reasoning) {
    assertThat(ReasoningModels.isReasoningModel(model)).isEqualTo(reasoning);
  }
}
