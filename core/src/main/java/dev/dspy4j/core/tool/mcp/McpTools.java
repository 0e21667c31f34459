package dev.dspy4j.core.tool.mcp;

import dev.dspy4j.core.adapter.internal.PyRepr;
import dev.dspy4j.core.tool.Tool;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The tools of an MCP server as dspy4j {@link Tool}s, through the official MCP Java SDK's {@link
 * McpAsyncClient} (DSPy's {@code Tool.from_mcp_tool} / {@code convert_mcp_tool}):
 *
 * <ul>
 *   <li>name and description are the MCP tool's; each argument is a property of its {@code
 *       inputSchema} with {@code $ref}s into {@code $defs} resolved, as DSPy does, so the tool's
 *       text in a ReAct prompt is DSPy's;
 *   <li>calling sends {@code tools/call} with the validated arguments, without blocking: the call
 *       is the client's own {@code Mono}; cancelling it cancels the request;
 *   <li>the result as DSPy converts it: the text of a single text content, a list of texts for
 *       several, the non-text contents when there is no text; a result with {@code isError} is a
 *       {@link McpToolException} of kind {@code TOOL_ERROR} with DSPy's message, and a call that
 *       fails (server gone, connection closed, timeout) one of kind {@code CALL_FAILED}.
 * </ul>
 *
 * <pre>{@code
 * McpAsyncClient client = McpClient.async(transport).build();
 * Mono<ReAct> agent = client.initialize()
 *     .then(McpTools.from(client))
 *     .map(tools -> ReAct.of("question -> answer", tools));
 * }</pre>
 *
 * <p>The server going away: the SDK's stdio client does not fail requests in flight when the server
 * process exits (they end only at the client's {@code requestTimeout}, then as a {@code
 * CALL_FAILED} error). Pass a signal of the server's end to {@link #from(McpAsyncClient,
 * Publisher)} (for a server process: {@code Mono.fromCompletionStage(processHandle.onExit())}) and
 * a call in flight, or made after it, fails at once with a {@code CALL_FAILED} {@link
 * McpToolException}.
 *
 * <p>Like DSPy, required arguments are left to the server to check (the LM sees them in the
 * schema); unknown argument names and values that do not match their schema are rejected before the
 * call. The MCP SDK is an optional dependency of dspy4j-core: add {@code
 * io.modelcontextprotocol.sdk:mcp-core} and a JSON binding such as {@code mcp-json-jackson2} to use
 * this class. The client's lifecycle (initialize, close) stays with the caller.
 */
// the MCP SDK is an optional dependency (requires static): a module using this class requires it
// itself.
@SuppressWarnings("exports")
public final class McpTools {

  private McpTools() {}

  /**
   * The server's tools (every page of {@code tools/list}), in the server's order.
   *
   * @return a Mono of the tools; errors with the client's error when listing fails, or with {@link
   *     IllegalArgumentException} when a tool's name is not one a dspy4j tool can have
   */
  public static Mono<List<Tool>> from(McpAsyncClient client) {
    return from(client, Mono.never());
  }

  /**
   * The server's tools, whose calls fail at once with a {@code CALL_FAILED} {@link
   * McpToolException} when {@code serverGone} emits or completes (the server went away); subscribed
   * once per call.
   */
  public static Mono<List<Tool>> from(McpAsyncClient client, Publisher<?> serverGone) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(serverGone, "serverGone must not be null");
    return client
        .listTools()
        .map(
            result -> {
              var tools = new ArrayList<Tool>(result.tools().size());
              for (McpSchema.Tool tool : result.tools()) {
                tools.add(of(client, tool, serverGone));
              }
              return List.copyOf(tools);
            });
  }

  /** One MCP tool, called through {@code client}. */
  public static Tool of(McpAsyncClient client, McpSchema.Tool tool) {
    return of(client, tool, Mono.never());
  }

  /**
   * One MCP tool, called through {@code client}, failing at once when {@code serverGone} signals.
   */
  @SuppressWarnings(
      "deprecation") // CallToolRequest(name, arguments): the 2.x constructor the SDK still
  // documents
  public static Tool of(McpAsyncClient client, McpSchema.Tool tool, Publisher<?> serverGone) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(serverGone, "serverGone must not be null");
    String name = tool.name();
    Mono<McpSchema.CallToolResult> gone =
        Mono.from(serverGone)
            .then(
                Mono.error(
                    () ->
                        new McpToolException(
                            McpToolException.Kind.CALL_FAILED,
                            name,
                            "the call of MCP tool '" + name + "' failed: the MCP server went away",
                            null)));
    return Tool.ofSchema(
        name,
        tool.description() == null ? "" : tool.description(),
        args(tool.inputSchema()),
        List.of(),
        values ->
            Mono.firstWithSignal(
                    client.callTool(
                        new McpSchema.CallToolRequest(name, new LinkedHashMap<>(values))),
                    gone)
                .onErrorMap(
                    e -> !(e instanceof McpToolException),
                    e ->
                        new McpToolException(
                            McpToolException.Kind.CALL_FAILED,
                            name,
                            "the call of MCP tool '" + name + "' failed: " + describe(e),
                            e))
                .map(result -> convert(name, result)));
  }

  /**
   * DSPy's {@code convert_input_schema_to_tool_args}: each property's schema, references resolved.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> args(Map<String, Object> inputSchema) {
    var args = new LinkedHashMap<String, Map<String, Object>>();
    if (inputSchema == null || !(inputSchema.get("properties") instanceof Map<?, ?> properties)) {
      return args;
    }
    Map<String, Object> defs =
        inputSchema.get("$defs") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
    properties.forEach(
        (k, v) -> {
          Map<String, Object> prop = v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
          args.put(
              String.valueOf(k),
              defs.isEmpty() ? prop : (Map<String, Object>) resolve(prop, defs, 0));
        });
    return args;
  }

  @SuppressWarnings("unchecked")
  private static Object resolve(Object node, Map<String, Object> defs, int depth) {
    if (depth > 64) {
      throw new IllegalArgumentException(
          "an MCP tool's input schema has $ref cycles or nests deeper than 64");
    }
    if (node instanceof Map<?, ?> map) {
      if (map.get("$ref") instanceof String ref) {
        String key = ref.substring(ref.lastIndexOf('/') + 1);
        Object target = defs.get(key);
        if (target == null) {
          throw new IllegalArgumentException(
              "an MCP tool's input schema refers to " + ref + ", which $defs lacks");
        }
        return resolve(target, defs, depth + 1);
      }
      var out = new LinkedHashMap<String, Object>();
      ((Map<String, Object>) map)
          .forEach(
              (k, v) -> {
                if (!k.equals("$defs")) out.put(k, resolve(v, defs, depth + 1));
              });
      return out;
    }
    if (node instanceof List<?> list) {
      var out = new ArrayList<Object>(list.size());
      list.forEach(item -> out.add(resolve(item, defs, depth + 1)));
      return out;
    }
    return node;
  }

  /** DSPy's {@code _convert_mcp_tool_result} in its default "text" mode. */
  static Object convert(String name, McpSchema.CallToolResult result) {
    var texts = new ArrayList<String>();
    var others = new ArrayList<McpSchema.Content>();
    for (McpSchema.Content content :
        result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
      if (content instanceof McpSchema.TextContent text) {
        texts.add(text.text());
      } else {
        others.add(content);
      }
    }
    Object toolContent = texts.size() == 1 ? texts.get(0) : List.copyOf(texts);
    if (Boolean.TRUE.equals(result.isError())) {
      throw new McpToolException(
          McpToolException.Kind.TOOL_ERROR,
          name,
          "Failed to call a MCP tool: "
              + (toolContent instanceof String s ? s : PyRepr.repr(toolContent)),
          null);
    }
    if (texts.size() == 1) return texts.get(0);
    return texts.isEmpty() ? List.copyOf(others) : List.copyOf(texts);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName()
        + (message == null || message.isEmpty() ? "" : ": " + message);
  }
}
