package dev.dspy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleConfigTest {

  @TempDir Path dir;

  @Test
  void withNothingSetItUsesTheHeliconeDefaultsAndTheLocalGateway() {
    var config = ExampleConfig.load(Map.of(), dir);
    assertThat(config.apiKey()).isEmpty();
    assertThat(config.useLocalGateway()).isTrue();
    assertThat(config.baseUrl()).isEqualTo("https://ai-gateway.helicone.ai/v1");
    assertThat(config.model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void readsADotEnvFileInTheWorkingDirectoryLikePythonDotenv() throws Exception {
    Files.writeString(
        dir.resolve(".env"),
        String.join(
            "\n",
            "# Helicone",
            "HELICONE_API_KEY=sk-helicone-from-file",
            "export HELICONE_BASE_URL=\"http://localhost:8787/v1\"",
            "DSPY4J_MODEL='claude-3-5-haiku' # a comment after quotes is not part of the value",
            "",
            "UNRELATED=1"));
    var config = ExampleConfig.load(Map.of(), dir);
    assertThat(config.apiKey()).hasValue("sk-helicone-from-file");
    assertThat(config.baseUrl()).isEqualTo("http://localhost:8787/v1");
    assertThat(config.model()).isEqualTo("claude-3-5-haiku");
    assertThat(config.useLocalGateway()).isFalse();
  }

  @Test
  void theEnvironmentWinsOverTheDotEnvFile() throws Exception {
    Files.writeString(dir.resolve(".env"), "HELICONE_API_KEY=sk-file\nDSPY4J_MODEL=gpt-4o\n");
    var config = ExampleConfig.load(Map.of("HELICONE_API_KEY", "sk-env"), dir);
    assertThat(config.apiKey()).hasValue("sk-env");
    assertThat(config.model()).isEqualTo("gpt-4o");
  }

  @Test
  void anEmptyKeyMeansNoKey() {
    assertThat(ExampleConfig.load(Map.of("HELICONE_API_KEY", "  "), dir).useLocalGateway())
        .isTrue();
  }

  @Test
  void theKeyNeverAppearsInToString() {
    var config = ExampleConfig.load(Map.of("HELICONE_API_KEY", "sk-helicone-very-secret"), dir);
    assertThat(config.toString()).doesNotContain("very-secret").contains("****");
  }

  @Test
  void aMalformedDotEnvLineIsAClearError() throws Exception {
    Files.writeString(dir.resolve(".env"), "HELICONE_API_KEY sk-oops\n");
    assertThatThrownBy(() -> ExampleConfig.load(Map.of(), dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1 is not KEY=VALUE")
        .hasMessageNotContaining("sk-oops");
  }
}
