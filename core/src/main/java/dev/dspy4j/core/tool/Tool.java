package dev.dspy4j.core.tool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.adapter.internal.JsonSchemas;
import dev.dspy4j.core.adapter.internal.PyRepr;
import dev.dspy4j.core.signature.Desc;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.JavaTypes;
import dev.dspy4j.core.tool.internal.ArgsValidator;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tool an agent can call (DSPy's {@code dspy.Tool}): a name, a description, arguments described
 * by a record (each component one argument, its JSON schema as pydantic writes it for the
 * equivalent Python parameter, so the tool's text in a ReAct prompt is DSPy's), and a function.
 *
 * <pre>{@code
 * record SearchArgs(@Desc("what to look for") String query) {}
 * Tool search = Tool.of("search_wikipedia", "Search Wikipedia.", SearchArgs.class,
 *     args -> wiki.search(args.query()));          // a value, a Mono/Publisher or a CompletionStage
 * }</pre>
 *
 * <p>The function is called on a bounded-elastic thread, so a blocking function never runs on an
 * event loop; a Mono or other Publisher it returns is subscribed with the caller's Reactor Context
 * (Helicone session, user) and its value is not moved to another thread. Arguments are validated
 * and converted as DSPy's Tool does (JSON Schema, then conversion to the record's types).
 * Immutable.
 */
public final class Tool {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private final String name;
  private final String description;
  private final Map<String, Map<String, Object>> args;
  private final List<String> required;
  private final Function<Map<String, Object>, Mono<Object>> invoke;

  private Tool(
      String name,
      String description,
      Map<String, Map<String, Object>> args,
      List<String> required,
      Function<Map<String, Object>, Mono<Object>> invoke) {
    this.name = name;
    this.description = description;
    this.args = args;
    this.required = required;
    this.invoke = invoke;
  }

  /**
   * A tool whose arguments are the components of {@code argsRecord}, in order; a component's {@link
   * Desc} becomes its argument's description. {@code function} may return a plain value, a {@code
   * Mono}/{@code Publisher} (its first value) or a {@code CompletionStage}.
   *
   * @throws IllegalArgumentException when the name is not an identifier, the class is not a record,
   *     or a component has a type with no DSPy equivalent
   */
  public static <A extends Record> Tool of(
      String name, String description, Class<A> argsRecord, Function<? super A, ?> function) {
    Objects.requireNonNull(argsRecord, "argsRecord must not be null");
    Objects.requireNonNull(function, "function must not be null");
    if (!argsRecord.isRecord()) {
      throw new IllegalArgumentException(
          argsRecord.getName() + " is not a record; tool arguments are a record");
    }
    var args = new LinkedHashMap<String, Map<String, Object>>();
    var required = new ArrayList<String>();
    for (RecordComponent c : argsRecord.getRecordComponents()) {
      FieldType type = JavaTypes.fieldType(c.getGenericType());
      var schema = new LinkedHashMap<>(JsonSchemas.inlined(type));
      Desc desc = c.getAnnotation(Desc.class);
      if (desc != null) schema.put("description", desc.value());
      args.put(c.getName(), Collections.unmodifiableMap(schema));
      if (!(type instanceof FieldType.OptionalOf)) required.add(c.getName());
    }
    return new Tool(
        checkName(name),
        Objects.requireNonNull(description, "description must not be null"),
        Collections.unmodifiableMap(args),
        List.copyOf(required),
        values ->
            Mono.fromCallable(() -> (Object) function.apply(JSON.convertValue(values, argsRecord)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Tool::unwrap));
  }

  /** A tool with no arguments (like ReAct's {@code finish}). */
  public static Tool of(String name, String description, java.util.function.Supplier<?> function) {
    Objects.requireNonNull(function, "function must not be null");
    return new Tool(
        checkName(name),
        Objects.requireNonNull(description, "description must not be null"),
        Map.of(),
        List.of(),
        values ->
            Mono.fromCallable(() -> (Object) function.get())
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Tool::unwrap));
  }

  /**
   * A tool described by a ready JSON schema per argument (as an MCP server lists them), called with
   * the validated argument values as they came.
   */
  public static Tool ofSchema(
      String name,
      String description,
      Map<String, Map<String, Object>> argSchemas,
      List<String> required,
      Function<Map<String, Object>, ? extends Publisher<?>> function) {
    Objects.requireNonNull(function, "function must not be null");
    var args = new LinkedHashMap<String, Map<String, Object>>();
    argSchemas.forEach((k, v) -> args.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    return new Tool(
        checkName(name),
        Objects.requireNonNull(description, "description must not be null"),
        Collections.unmodifiableMap(args),
        List.copyOf(required),
        values -> Mono.defer(() -> Mono.from(function.apply(values))).map(v -> (Object) v));
  }

  private static Mono<Object> unwrap(Object result) {
    if (result instanceof Publisher<?> p) return Mono.from(p).map(v -> (Object) v);
    if (result instanceof CompletionStage<?> s)
      return Mono.fromCompletionStage(s).map(v -> (Object) v);
    return Mono.just(result);
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name '" + name + "' must be an identifier (letters, digits, _ and -)");
    }
    return name;
  }

  /** The tool's name, as the LM calls it. */
  public String name() {
    return name;
  }

  /** The description shown to the LM. */
  public String description() {
    return description;
  }

  /** Each argument's JSON schema, in order (DSPy's {@code tool.args}). */
  public Map<String, Map<String, Object>> args() {
    return args;
  }

  /**
   * Calls the tool with arguments as the LM gave them: validated against each argument's schema and
   * converted, then the function runs. The Mono emits the tool's result (empty when the function
   * returned null or an empty publisher), or errors with {@link ToolArgumentException} for bad
   * arguments, or with the function's own error. Cancelling cancels a running Mono tool; a blocking
   * function's thread is interrupted.
   */
  public Mono<Object> call(Map<String, ?> arguments) {
    Objects.requireNonNull(arguments, "arguments must not be null");
    return Mono.defer(
        () -> {
          var values = new LinkedHashMap<String, Object>();
          for (var e : arguments.entrySet()) {
            Map<String, Object> schema = args.get(e.getKey());
            if (schema == null) {
              return Mono.error(
                  new ToolArgumentException("Arg " + e.getKey() + " is not in the tool's args."));
            }
            if (schema.get("type") != null) {
              Optional<String> v = ArgsValidator.violation(e.getValue(), schema);
              if (v.isPresent())
                return Mono.error(
                    new ToolArgumentException("Arg " + e.getKey() + " is invalid: " + v.get()));
            }
            values.put(e.getKey(), e.getValue());
          }
          var missing = required.stream().filter(r -> !values.containsKey(r)).toList();
          if (!missing.isEmpty()) {
            return Mono.error(
                new ToolArgumentException(
                    name
                        + "() missing "
                        + missing.size()
                        + " required positional argument"
                        + (missing.size() == 1 ? "" : "s")
                        + ": "
                        + joinPython(missing)));
          }
          return invoke.apply(values);
        });
  }

  private static String joinPython(List<String> names) {
    var quoted = names.stream().map(n -> "'" + n + "'").toList();
    if (quoted.size() == 1) return quoted.get(0);
    return String.join(", ", quoted.subList(0, quoted.size() - 1))
        + " and "
        + quoted.get(quoted.size() - 1);
  }

  /**
   * The tool as an item of OpenAI's {@code tools} array for native function calling, as DSPy's
   * {@code Tool.format_as_litellm_function_call()} writes it: {@code {"type": "function",
   * "function": {"name", "description", "parameters": {"type": "object", "properties",
   * "required"}}}}, where {@code required} lists the arguments whose schema has no {@code default}
   * (as DSPy does).
   */
  public Map<String, Object> asOpenAiTool() {
    var parameters = new LinkedHashMap<String, Object>();
    parameters.put("type", "object");
    parameters.put("properties", args);
    parameters.put(
        "required",
        args.entrySet().stream()
            .filter(e -> !e.getValue().containsKey("default"))
            .map(Map.Entry::getKey)
            .toList());
    var function = new LinkedHashMap<String, Object>();
    function.put("name", name);
    function.put("description", description);
    function.put("parameters", parameters);
    var tool = new LinkedHashMap<String, Object>();
    tool.put("type", "function");
    tool.put("function", function);
    return Collections.unmodifiableMap(tool);
  }

  /**
   * The OpenAI {@code tools} array of these tools ({@link #asOpenAiTool()} of each), for {@code
   * LmRequest.Builder.tools}.
   */
  public static List<Map<String, Object>> asOpenAiTools(List<Tool> tools) {
    return tools.stream().map(Tool::asOpenAiTool).toList();
  }

  /**
   * The tool as DSPy prints it in ReAct's instructions: name, description, arguments (Python repr).
   */
  @Override
  public String toString() {
    String desc =
        description.isEmpty()
            ? "."
            : (", whose description is <desc>" + description + "</desc>.").replace("\n", "  ");
    return name + desc + " It takes arguments " + PyRepr.repr(args) + ".";
  }
}
