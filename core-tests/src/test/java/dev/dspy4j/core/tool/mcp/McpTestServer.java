package dev.dspy4j.core.tool.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A real MCP server (the MCP Java SDK's own, over stdio) that the tests start in a child JVM. Its
 * tools: {@code add}, {@code describe_place} (an argument by {@code $ref}), {@code two_texts},
 * {@code fail} (answers {@code isError}), {@code hang} (never answers) and {@code die} (the server
 * process exits in the middle of the call).
 */
public final class McpTestServer {

  private McpTestServer() {}

  @SuppressWarnings("deprecation") // McpSchema.Tool.builder(): the SDK's test-server API
  private static AsyncToolSpecification tool(
      McpJsonMapper json,
      String name,
      String description,
      String schema,
      java.util.function.Function<Map<String, Object>, Mono<McpSchema.CallToolResult>> handler) {
    return AsyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder()
                .name(name)
                .description(description)
                .inputSchema(json, schema)
                .build())
        .callHandler((exchange, request) -> handler.apply(request.arguments()))
        .build();
  }

  private static Mono<McpSchema.CallToolResult> text(String... texts) {
    var b = McpSchema.CallToolResult.builder();
    for (String t : texts) b.addTextContent(t);
    return Mono.just(b.isError(false).build());
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws InterruptedException {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    McpServer.async(new StdioServerTransportProvider(json))
        .serverInfo("dspy4j-test-server", "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .tools(
            tool(
                json,
                "add",
                "Add two integers.",
                """
                {"type": "object",
                 "properties": {"a": {"type": "integer", "description": "The first number"},
                                "b": {"type": "integer", "description": "The second number"}},
                 "required": ["a", "b"]}""",
                a ->
                    text(
                        String.valueOf(
                            ((Number) a.get("a")).longValue()
                                + ((Number) a.get("b")).longValue()))),
            tool(
                json,
                "describe_place",
                "Say where a city is.",
                """
                {"type": "object",
                 "$defs": {"Place": {"type": "object",
                                     "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
                                     "required": ["city"]}},
                 "properties": {"place": {"$ref": "#/$defs/Place"}},
                 "required": ["place"]}""",
                a -> {
                  var place = (Map<String, Object>) a.get("place");
                  return text(
                      place.get("city")
                          + " is in "
                          + place.getOrDefault("country", "an unknown country"));
                }),
            tool(
                json,
                "two_texts",
                "Answer with two texts.",
                "{\"type\": \"object\", \"properties\": {}}",
                a -> text("first", "second")),
            tool(
                json,
                "fail",
                "Always fails.",
                "{\"type\": \"object\", \"properties\": {}}",
                a ->
                    Mono.just(
                        McpSchema.CallToolResult.builder()
                            .addTextContent("the tool broke")
                            .isError(true)
                            .build())),
            tool(
                json,
                "hang",
                "Never answers.",
                "{\"type\": \"object\", \"properties\": {}}",
                a -> Mono.never()),
            tool(
                json,
                "die",
                "The server exits during the call.",
                "{\"type\": \"object\", \"properties\": {}}",
                a -> Mono.fromRunnable(() -> Runtime.getRuntime().halt(3))))
        .build();
    Thread.currentThread().join();
  }
}
