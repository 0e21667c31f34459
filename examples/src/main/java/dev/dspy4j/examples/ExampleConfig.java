package dev.dspy4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the examples read from the environment, as the Python page does with {@code .env}: {@code
 * HELICONE_API_KEY}, {@code HELICONE_BASE_URL} (default {@value #DEFAULT_BASE_URL}) and {@code
 * DSPY4J_MODEL} (default {@value #DEFAULT_MODEL}). A variable set in the environment wins over the
 * same one in a {@code .env} file in the working directory (like python-dotenv's {@code
 * load_dotenv()}). {@link #toString()} never shows the key.
 *
 * @param apiKey the Helicone API key; empty means "use the embedded local gateway"
 * @param baseUrl the gateway base URL ({@code POST {baseUrl}/chat/completions})
 * @param model the model string sent to the gateway
 */
public record ExampleConfig(Optional<String> apiKey, String baseUrl, String model) {

  /** The Helicone AI Gateway. */
  public static final String DEFAULT_BASE_URL = "https://ai-gateway.helicone.ai/v1";

  /** The model of the page's snippets. */
  public static final String DEFAULT_MODEL = "gpt-4o-mini";

  /** Rejects nulls and blank values. */
  public ExampleConfig {
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    apiKey = apiKey.map(String::strip).filter(k -> !k.isEmpty());
    if (baseUrl.isBlank() || model.isBlank()) {
      throw new IllegalArgumentException(
          "HELICONE_BASE_URL and DSPY4J_MODEL must not be blank when set");
    }
  }

  /** The configuration of this process: its environment and {@code ./.env}. */
  public static ExampleConfig load() {
    return load(System.getenv(), Path.of("").toAbsolutePath());
  }

  /** The configuration from these environment variables and {@code dir/.env} (if it exists). */
  public static ExampleConfig load(Map<String, String> environment, Path dir) {
    var values = new LinkedHashMap<String, String>(readDotEnv(dir.resolve(".env")));
    environment.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) values.put(k, v);
        });
    return new ExampleConfig(
        Optional.ofNullable(values.get("HELICONE_API_KEY")),
        values.getOrDefault("HELICONE_BASE_URL", DEFAULT_BASE_URL).strip(),
        values.getOrDefault("DSPY4J_MODEL", DEFAULT_MODEL).strip());
  }

  /** True when there is no API key, so the examples start the embedded local gateway. */
  public boolean useLocalGateway() {
    return apiKey.isEmpty();
  }

  /**
   * The {@code KEY=VALUE} lines of a dotenv file: blank lines and {@code #} comments skipped, an
   * optional {@code export } prefix, values optionally in single or double quotes.
   */
  static Map<String, String> readDotEnv(Path file) {
    var values = new LinkedHashMap<String, String>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    try {
      int lineNumber = 0;
      for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lineNumber++;
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("export ")) {
          line = line.substring("export ".length()).strip();
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              file + " line " + lineNumber + " is not KEY=VALUE; fix or remove that line");
        }
        String value = line.substring(eq + 1).strip();
        int closing = value.isEmpty() ? -1 : value.indexOf(value.charAt(0), 1);
        if ((value.startsWith("\"") || value.startsWith("'")) && closing > 0) {
          value = value.substring(1, closing);
        } else {
          int comment = value.indexOf(" #");
          value = comment >= 0 ? value.substring(0, comment).strip() : value;
        }
        values.put(line.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return values;
  }

  @Override
  public String toString() {
    return "ExampleConfig[apiKey="
        + (apiKey.isPresent() ? "****" : "(none: local gateway)")
        + ", baseUrl="
        + baseUrl
        + ", model="
        + model
        + "]";
  }
}
