package dev.dspy4j.core.predict;

import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.predict.internal.StreamChannel;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.Signature;
import dev.dspy4j.core.tool.Tool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code ReAct} agent: in each step a {@link Predict} named {@code react} chooses a thought,
 * a tool and its arguments; the tool runs and its result (the observation) joins the trajectory;
 * after the {@code finish} tool or {@code maxIters} steps, a {@link ChainOfThought} named {@code
 * extract} produces the signature's outputs from the trajectory. The prompts are DSPy's, byte for
 * byte.
 *
 * <pre>{@code
 * ReAct agent = ReAct.of("question -> answer", List.of(search)).withMaxIters(5);
 * Mono<Prediction> p = agent.call(Map.of("question", "..."));  // answer, reasoning, trajectory
 * }</pre>
 *
 * <p>The Prediction has the signature's outputs, {@code reasoning} and {@code trajectory} (a map
 * {@code thought_0}, {@code tool_name_0}, {@code tool_args_0}, {@code observation_0}, ...). Tools
 * run with the caller's Reactor Context; each LM step runs under the session path segment {@code
 * react} or {@code extract}. A tool error or bad arguments become the observation ({@code Execution
 * error in name: ...}); an answer naming no valid tool ends the trajectory, as in DSPy. {@link
 * #stream} emits a {@link StreamEvent.Status} per tool call and per observation, the extract step's
 * field chunks, then one {@link StreamEvent.Done}. Cancelling cancels the LM call or the running
 * tool. The predictors are the learned state ({@link Module#namedPredictors()}: {@code react},
 * {@code extract.predict}); {@link #withMaxIters} shares them.
 */
public final class ReAct implements Module {

  private static final Logger LOG = LoggerFactory.getLogger(ReAct.class);
  private static final ChatAdapter TRAJECTORY_FORMAT = new ChatAdapter();

  private final Predict react;
  private final ChainOfThought extract;
  private final Map<String, Tool> tools;
  private final int maxIters;

  private ReAct(Predict react, ChainOfThought extract, Map<String, Tool> tools, int maxIters) {
    this.react = react;
    this.extract = extract;
    this.tools = tools;
    this.maxIters = maxIters;
  }

  /** An agent for a string signature with these tools; at most 20 steps (DSPy's default). */
  public static ReAct of(String signature, List<Tool> tools) {
    return of(Signature.parse(signature), tools);
  }

  /**
   * An agent for this signature with these tools; at most 20 steps.
   *
   * @throws IllegalArgumentException when two tools share a name, or a tool is named {@code finish}
   */
  public static ReAct of(Signature signature, List<Tool> tools) {
    Objects.requireNonNull(signature, "signature must not be null");
    Objects.requireNonNull(tools, "tools must not be null");
    var byName = new LinkedHashMap<String, Tool>();
    for (Tool t : tools) {
      Objects.requireNonNull(t, "tools must not contain null");
      if (t.name().equals("finish")) {
        throw new IllegalArgumentException("'finish' is ReAct's own tool; name yours differently");
      }
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
      }
    }
    String outputs = names(signature.outputs());
    byName.put(
        "finish",
        Tool.of(
            "finish",
            "Marks the task as complete. That is, signals that all information for"
                + " producing the outputs, i.e. "
                + outputs
                + ", are now available to be extracted.",
            () -> "Completed."));

    var instr = new ArrayList<String>();
    if (!signature.instructions().isEmpty()) instr.add(signature.instructions() + "\n");
    instr.add(
        "You are an Agent. In each episode, you will be given the fields "
            + names(signature.inputs())
            + " as input. And you can see your past trajectory so far.");
    instr.add(
        "Your goal is to use one or more of the supplied tools to collect any necessary information for"
            + " producing "
            + outputs
            + ".\n");
    instr.add(
        "To do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and"
            + " also when finishing the task.");
    instr.add(
        "After each tool call, you receive a resulting observation, which gets appended to your trajectory.\n");
    instr.add(
        "When writing next_thought, you may reason about the current situation and plan for future steps.");
    instr.add(
        "When selecting the next_tool_name and its next_tool_args, the tool must be one of:\n");
    int i = 1;
    for (Tool t : byName.values()) instr.add("(" + i++ + ") " + t);
    instr.add("When providing `next_tool_args`, the value inside the field must be in JSON format");

    var reactFields = new ArrayList<Field>(signature.inputs());
    reactFields.add(Field.input("trajectory", FieldType.STR));
    reactFields.add(Field.output("next_thought", FieldType.STR));
    reactFields.add(
        Field.output("next_tool_name", FieldType.literal(List.copyOf(byName.keySet()))));
    reactFields.add(Field.output("next_tool_args", FieldType.dictOf(FieldType.ANY)));
    Signature reactSignature = Signature.of(reactFields, String.join("\n", instr));

    var extractFields = new ArrayList<Field>(signature.inputs());
    extractFields.add(Field.input("trajectory", FieldType.STR));
    extractFields.addAll(signature.outputs());
    Signature extractSignature = Signature.of(extractFields, signature.instructions());

    return new ReAct(
        Predict.of(reactSignature),
        ChainOfThought.of(extractSignature),
        java.util.Collections.unmodifiableMap(byName),
        20);
  }

  private static String names(List<Field> fields) {
    return String.join(", ", fields.stream().map(f -> "`" + f.name() + "`").toList());
  }

  /** This agent with at most {@code maxIters} tool steps; it shares this agent's predictors. */
  public ReAct withMaxIters(int maxIters) {
    if (maxIters < 1)
      throw new IllegalArgumentException("maxIters must be at least 1, was " + maxIters);
    return new ReAct(react, extract, tools, maxIters);
  }

  /** The predictor that chooses each step ({@code react}). */
  public Predict react() {
    return react;
  }

  /** The step that produces the outputs from the trajectory ({@code extract}). */
  public ChainOfThought extract() {
    return extract;
  }

  /** The tools by name, {@code finish} last. */
  public Map<String, Tool> tools() {
    return tools;
  }

  /**
   * Runs the agent. The Mono emits the Prediction (outputs, {@code reasoning}, {@code trajectory})
   * and completes, or errors with the extract step's error (a ReAct step that fails to parse ends
   * the trajectory instead). An input {@code max_iters} overrides {@link #withMaxIters} for this
   * call.
   */
  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    return Mono.defer(
        () -> {
          var in = new LinkedHashMap<String, Object>(inputs);
          Object iters = in.remove("max_iters");
          int limit = iters instanceof Number n ? n.intValue() : maxIters;
          return step(in, new LinkedHashMap<>(), 0, limit);
        });
  }

  private Mono<Prediction> step(
      Map<String, Object> inputs,
      LinkedHashMap<String, @Nullable Object> trajectory,
      int idx,
      int limit) {
    if (idx >= limit) return extract(inputs, trajectory);
    return withTruncation(inputs, trajectory, react, "react", true)
        .map(Optional::of)
        .onErrorResume(
            e -> e instanceof AdapterParseException || e instanceof ContextWindowExceededException,
            e -> {
              LOG.warn(
                  "Ending the trajectory: {}",
                  e instanceof AdapterParseException
                      ? "Agent failed to select a valid tool: " + e.getMessage()
                      : e.getMessage());
              return Mono.just(Optional.empty());
            })
        .flatMap(
            chosen -> {
              if (chosen.isEmpty()) return extract(inputs, trajectory);
              Prediction p = chosen.get();
              String toolName = p.get("next_tool_name");
              Map<String, Object> args = toolArgs(p);
              trajectory.put("thought_" + idx, p.value("next_thought").orElse(""));
              trajectory.put("tool_name_" + idx, toolName);
              trajectory.put("tool_args_" + idx, args);
              return runTool(toolName, args)
                  .flatMap(
                      observation -> {
                        trajectory.put("observation_" + idx, observation.orElse(null));
                        return toolName.equals("finish")
                            ? extract(inputs, trajectory)
                            : step(inputs, trajectory, idx + 1, limit);
                      });
            });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toolArgs(Prediction p) {
    Object args = p.value("next_tool_args").orElse(Map.of());
    return args instanceof Map<?, ?> m
        ? new LinkedHashMap<>((Map<String, Object>) m)
        : new LinkedHashMap<>();
  }

  /**
   * The tool's result, or the error text DSPy shows the LM; Status events around it when streaming.
   */
  private Mono<Optional<Object>> runTool(String toolName, Map<String, Object> args) {
    return Mono.deferContextual(
        ctx -> {
          Optional<StreamChannel> channel = StreamChannel.in(ctx);
          Tool tool = tools.get(toolName);
          Mono<Optional<Object>> result =
              (tool == null
                      ? Mono.<Object>error(
                          new IllegalArgumentException("no tool named " + toolName))
                      : tool.call(args))
                  .map(Optional::of)
                  .defaultIfEmpty(Optional.empty())
                  .onErrorResume(
                      e ->
                          Mono.just(
                              Optional.of("Execution error in " + toolName + ": " + errorText(e))));
          if (channel.isEmpty()) return result;
          StreamChannel c = channel.get();
          return c.send(
                  new StreamEvent.Status(
                      "Calling tool "
                          + toolName
                          + " with "
                          + PyJson.dumps(PyJson.toJsonable(args))))
              .then(result)
              .flatMap(
                  obs ->
                      c.send(
                              new StreamEvent.Status(
                                  "Tool "
                                      + toolName
                                      + " returned: "
                                      + PyJson.render(obs.orElse(null))))
                          .thenReturn(obs));
        });
  }

  private static String errorText(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
  }

  private Mono<Prediction> extract(
      Map<String, Object> inputs, LinkedHashMap<String, @Nullable Object> trajectory) {
    return withTruncation(inputs, trajectory, extract, "extract", false)
        .map(
            extracted -> {
              var fields = new LinkedHashMap<String, Object>();
              fields.put(
                  "trajectory",
                  java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trajectory)));
              fields.putAll(extracted.fields());
              return Prediction.of(fields);
            });
  }

  /**
   * Calls a step with the trajectory formatted; when the prompt exceeds the context window, drops
   * the oldest tool call (four entries) and tries again, three times in all, as DSPy does.
   */
  private Mono<Prediction> withTruncation(
      Map<String, Object> inputs,
      LinkedHashMap<String, @Nullable Object> trajectory,
      Module step,
      String segment,
      boolean detached) {
    return attempt(inputs, trajectory, step, segment, detached, 3, null);
  }

  private Mono<Prediction> attempt(
      Map<String, Object> inputs,
      LinkedHashMap<String, @Nullable Object> trajectory,
      Module step,
      String segment,
      boolean detached,
      int left,
      @Nullable Throwable last) {
    if (left == 0) {
      return Mono.error(
          new ContextWindowExceededException(
              "The context window was exceeded even after 3 attempts to truncate the trajectory.",
              last));
    }
    var stepInputs = new LinkedHashMap<String, Object>(inputs);
    stepInputs.put("trajectory", formatTrajectory(trajectory));
    Mono<Prediction> call = step.call(stepInputs).contextWrite(Module.sessionPath(segment));
    if (detached) call = call.contextWrite(StreamChannel.hidden());
    return call.onErrorResume(
        ReAct::isContextWindowError,
        e -> {
          LOG.warn(
              "Trajectory exceeded the context window, truncating the oldest tool call information.");
          if (trajectory.size() <= 4) {
            return Mono.error(
                new ContextWindowExceededException(
                    "The trajectory is too long so your prompt exceeded the"
                        + " context window, but the trajectory cannot be truncated because it only has one tool call.",
                    e));
          }
          Iterator<String> keys = trajectory.keySet().iterator();
          for (int i = 0; i < 4; i++) {
            keys.next();
            keys.remove();
          }
          return attempt(inputs, trajectory, step, segment, detached, left - 1, e);
        });
  }

  /** DSPy's {@code _format_trajectory}: the trajectory as ChatAdapter input fields. */
  static String formatTrajectory(Map<String, @Nullable Object> trajectory) {
    if (trajectory.isEmpty()) return "";
    Signature s = Signature.parse(String.join(", ", trajectory.keySet()) + " -> x");
    return TRAJECTORY_FORMAT.formatUserMessageContent(s, trajectory);
  }

  private static boolean isContextWindowError(Throwable e) {
    if (!(e instanceof InvalidRequestException ire)) return false;
    String text =
        (ire.getMessage() + " " + ire.serverMessage().orElse("")).toLowerCase(Locale.ROOT);
    return text.contains("context_length_exceeded")
        || text.contains("context length")
        || text.contains("context window");
  }

  /**
   * Loads a saved program (see {@link Module#load}); then warns, once per name, about tools that
   * the loaded {@code react} instructions list but this agent does not have (a ReAct optimized in
   * Python lists its Python tools there; see {@link #unregisteredTools()}).
   */
  @Override
  public void load(java.nio.file.Path path, dev.dspy4j.core.program.LoadOptions options) {
    Module.super.load(path, options);
    List<String> missing = unregisteredTools();
    if (!missing.isEmpty()) {
      LOG.warn(
          "The loaded ReAct instructions list tools this agent does not have: {}; the LM may call them and"
              + " get an error observation. Register Java tools of these names, or re-optimize.",
          missing);
    }
  }

  /**
   * Tools named in the {@code react} predictor's instructions ({@code (1) name, whose description
   * ...}) that this agent does not have: after loading a ReAct saved by Python DSPy, its tool list
   * text may name Python tools that were not registered in Java.
   */
  public List<String> unregisteredTools() {
    var m = TOOL_LINE.matcher(react.signature().instructions());
    var missing = new ArrayList<String>();
    while (m.find()) {
      String name = m.group(1);
      if (!tools.containsKey(name) && !missing.contains(name)) missing.add(name);
    }
    return missing;
  }

  private static final java.util.regex.Pattern TOOL_LINE =
      java.util.regex.Pattern.compile(
          "(?m)^\\(\\d+\\) ([A-Za-z_][A-Za-z0-9_-]*)(?:, whose description is| It takes)");

  @Override
  public String toString() {
    return "ReAct("
        + react.signature()
        + ", tools="
        + tools.keySet()
        + ", maxIters="
        + maxIters
        + ")";
  }
}
