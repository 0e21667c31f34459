package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeliconePromptTest {

  @Test
  void toBodyHasTheFourPromptFieldsOfTheSeedPage() {
    var inputs = new LinkedHashMap<String, Object>();
    inputs.put("customer_name", "Sarah");
    inputs.put("issue_type", "technical");

    var body =
        HeliconePrompt.id("customer-support-prompt-id")
            .version("version-uuid")
            .environment("production")
            .inputs(inputs)
            .toBody();

    assertThat(body)
        .containsExactly(
            entry("prompt_id", "customer-support-prompt-id"),
            entry("version_id", "version-uuid"),
            entry("environment", "production"),
            entry("inputs", Map.of("customer_name", "Sarah", "issue_type", "technical")));
  }

  @Test
  void unsetOptionalFieldsAreLeftOut() {
    assertThat(HeliconePrompt.id("p").toBody()).containsExactly(entry("prompt_id", "p"));
  }

  @Test
  void blankIdsAndNullInputsAreRejected() {
    assertThatThrownBy(() -> HeliconePrompt.id(" ")).isInstanceOf(IllegalArgumentException.class);
    var withNull = new LinkedHashMap<String, Object>();
    withNull.put("x", null);
    assertThatThrownBy(() -> HeliconePrompt.id("p").inputs(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'x'");
  }

  @Test
  void laterChangesToTheInputMapDoNotLeakIn() {
    var inputs = new LinkedHashMap<String, Object>(Map.of("a", 1));
    var prompt = HeliconePrompt.id("p").inputs(inputs);
    inputs.put("b", 2);

    assertThat(prompt.toBody().get("inputs")).isEqualTo(Map.of("a", 1));
  }
}
