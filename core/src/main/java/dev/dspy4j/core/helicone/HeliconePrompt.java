package dev.dspy4j.core.helicone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Helicone prompt reference: the gateway fetches the stored template, puts its messages before
 * the request's, fills {@code {{hc:name:type}}} variables from the inputs, and strips these fields
 * before calling the provider. {@code model} is still sent by the LM.
 *
 * <pre>{@code
 * var prompt = HeliconePrompt.id("customer-support-prompt-id").version("version-uuid")
 *     .environment("production").inputs(Map.of("customer_name", "Sarah", "issue_type", "technical"));
 * LM.builder("gpt-4o-mini").extraBody(prompt.toBody())...
 * }</pre>
 *
 * Immutable; every method returns a new value.
 */
public final class HeliconePrompt {

  private final String id;
  private final @Nullable String version;
  private final @Nullable String environment;
  private final @Nullable Map<String, Object> inputs;

  private HeliconePrompt(
      String id,
      @Nullable String version,
      @Nullable String environment,
      @Nullable Map<String, Object> inputs) {
    this.id = id;
    this.version = version;
    this.environment = environment;
    this.inputs = inputs;
  }

  /** The prompt with this id ({@code prompt_id}). */
  public static HeliconePrompt id(String id) {
    return new HeliconePrompt(nonBlank("prompt id", id), null, null, null);
  }

  /**
   * A specific version ({@code version_id}); without one the gateway uses the environment's or the
   * latest.
   */
  public HeliconePrompt version(String versionId) {
    return new HeliconePrompt(id, nonBlank("prompt version id", versionId), environment, inputs);
  }

  /**
   * The environment whose deployed version to use ({@code environment}, e.g. {@code production}).
   */
  public HeliconePrompt environment(String environment) {
    return new HeliconePrompt(id, version, nonBlank("prompt environment", environment), inputs);
  }

  /**
   * Values for the template's variables ({@code inputs}), by variable name. Values are JSON values:
   * strings, numbers, booleans, lists, maps. The gateway answers 400 when a value does not match
   * the variable's declared type.
   */
  public HeliconePrompt inputs(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "prompt inputs must not be null");
    var copy = new LinkedHashMap<String, Object>();
    inputs.forEach(
        (name, value) -> {
          nonBlank("prompt input name", name);
          copy.put(
              name,
              Objects.requireNonNull(value, () -> "prompt input '" + name + "' must not be null"));
        });
    return new HeliconePrompt(id, version, environment, Collections.unmodifiableMap(copy));
  }

  /**
   * The JSON body fields, in order {@code prompt_id}, {@code version_id}, {@code environment},
   * {@code inputs} (unset ones left out), to merge into the request body beside {@code model} and
   * {@code messages} ({@code LM.builder(..).extraBody(..)} or {@code
   * LmRequest.Builder.extraBody(..)}).
   */
  public Map<String, Object> toBody() {
    var body = new LinkedHashMap<String, Object>();
    body.put("prompt_id", id);
    if (version != null) body.put("version_id", version);
    if (environment != null) body.put("environment", environment);
    if (inputs != null) body.put("inputs", inputs);
    return Collections.unmodifiableMap(body);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeliconePrompt p && toBody().equals(p.toBody());
  }

  @Override
  public int hashCode() {
    return toBody().hashCode();
  }

  @Override
  public String toString() {
    return "HeliconePrompt" + toBody();
  }

  private static String nonBlank(String what, String value) {
    Objects.requireNonNull(value, () -> what + " must not be null");
    if (value.isBlank()) throw new IllegalArgumentException(what + " must not be blank");
    return value;
  }
}
