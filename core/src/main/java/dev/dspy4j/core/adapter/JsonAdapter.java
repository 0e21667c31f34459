package dev.dspy4j.core.adapter;

import dev.dspy4j.core.adapter.internal.JsonFieldSplitter;
import dev.dspy4j.core.adapter.internal.JsonRepair;
import dev.dspy4j.core.adapter.internal.JsonSchemas;
import dev.dspy4j.core.adapter.internal.LenientJson;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * DSPy's {@code JSONAdapter}: inputs as in {@link ChatAdapter}, outputs asked for as one JSON
 * object with the output fields in order, with {@code response_format} json_schema (every property
 * required, no additional properties), or json_object when an output is an open-ended {@code
 * dict[str, T]}. Parsing reads the first balanced {@code {...}} leniently and drops unknown keys.
 * It is {@link ChatAdapter}'s {@linkplain #fallback() fallback} and has none itself; it streams the
 * top-level string values of the output fields.
 */
public class JsonAdapter extends ChatAdapter {

  /** A JsonAdapter. */
  public JsonAdapter() {}

  @Override
  public String name() {
    return "JSONAdapter";
  }

  /**
   * Streams top-level string values of the output fields, unquoted and unescaped; other values
   * (numbers, lists, objects) come only with the final prediction.
   */
  @Override
  public Optional<FieldSplitter> fieldSplitter(Signature signature, Set<String> streamed) {
    Set<String> outputs = outputNameSet(signature);
    return Optional.of(new JsonFieldSplitter(outputs, streamedSet(outputs, streamed)));
  }

  /** None: DSPy's {@code JSONAdapter} does not fall back. */
  @Override
  public Optional<Adapter> fallback() {
    return Optional.empty();
  }

  @Override
  public Optional<Map<String, Object>> responseFormat(Signature signature) {
    boolean openMapping =
        signature.outputs().stream().anyMatch(f -> f.type() instanceof FieldType.DictOf);
    if (openMapping) {
      var format = new LinkedHashMap<String, Object>();
      format.put("type", "json_object");
      return Optional.of(format);
    }
    return Optional.of(JsonSchemas.structuredOutputs(signature.outputs()));
  }

  @Override
  String fieldStructure(Signature signature) {
    var parts = new ArrayList<String>();
    parts.add(
        "All interactions will be structured in the following way, with the appropriate values filled in.");
    parts.add("Inputs will have the following structure:");
    parts.add(placeholders(signature.inputs()));
    parts.add("Outputs will be a JSON object with the following fields.");
    var outputs = new LinkedHashMap<String, Object>();
    for (var f : signature.outputs()) outputs.put(f.name(), placeholder(f));
    parts.add(PyJson.dumpsIndented(outputs));
    return dev.dspy4j.core.adapter.internal.PyText.strip(String.join("\n\n", parts));
  }

  @Override
  String outputRequirements(Signature signature) {
    return "Respond with a JSON object in the following order of fields: "
        + signature.outputs().stream()
            .map(f -> "`" + f.name() + "`" + typeInfo(f))
            .collect(Collectors.joining(", then "))
        + ".";
  }

  @Override
  String assistantContent(Signature signature, Map<String, ?> outputs, @Nullable String missing) {
    var values = new LinkedHashMap<String, Object>();
    for (var f : signature.outputs()) {
      values.put(f.name(), outputs.containsKey(f.name()) ? outputs.get(f.name()) : missing);
    }
    return PyJson.dumpsIndented(PyJson.toJsonable(values));
  }

  @Override
  public Map<String, Object> parse(Signature signature, String completion) {
    Objects.requireNonNull(signature, "signature must not be null");
    Objects.requireNonNull(completion, "completion must not be null");
    Map<?, ?> object =
        asObject(completion)
            .orElseThrow(
                () ->
                    new AdapterParseException(
                        name(),
                        completion,
                        outputNames(signature),
                        null,
                        "LM response cannot be serialized to a JSON object.",
                        null));
    var parsed = new LinkedHashMap<String, Object>();
    for (var e : object.entrySet()) {
      Optional<Field> field = signature.output(String.valueOf(e.getKey()));
      if (field.isEmpty()) continue;
      try {
        parsed.put(
            field.get().name(),
            dev.dspy4j.core.adapter.internal.ValueParser.parse(e.getValue(), field.get().type()));
      } catch (IllegalArgumentException ex) {
        throw new AdapterParseException(
            name(),
            completion,
            outputNames(signature),
            null,
            "Failed to parse field "
                + e.getKey()
                + " with value "
                + PyJson.render(e.getValue())
                + " from the LM response. Error message: "
                + ex.getMessage(),
            ex);
      }
    }
    return complete(signature, completion, parsed);
  }

  /** DSPy: json_repair.loads of the text; if that is no object, of its first balanced {...}. */
  private static Optional<Map<?, ?>> asObject(String completion) {
    if (JsonRepair.loads(completion) instanceof Map<?, ?> m) return Optional.of(m);
    return LenientJson.firstObject(completion)
        .map(JsonRepair::loads)
        .filter(v -> v instanceof Map<?, ?>)
        .map(v -> (Map<?, ?>) v);
  }
}
