package dev.dspy4j.core.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.core.tool.ToolArgumentException;
import dev.dspy4j.test.DummyLM;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * MCP tools as dspy4j tools against a real MCP server: the SDK's own server ({@link McpTestServer})
 * in a child JVM over stdio, reached with the SDK's async client.
 */
class McpToolsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static McpAsyncClient client;
  private static List<Tool> tools;

  /**
   * A fresh McpTestServer JVM. The class path goes in its environment rather than on its command
   * line: {@link ProcessHandle.Info#arguments()} (which {@link #newestServerProcess} reads) is
   * empty on Linux once a command line is longer than a page (4,096 bytes), and a class path of
   * this many jars is longer. C1 only and the serial collector: the server is small and
   * short-lived, and on a loaded 2-core machine a default JVM sometimes took longer to start and
   * answer {@code initialize} than the 3 s one test allows.
   */
  private static ServerParameters serverParameters() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return ServerParameters.builder(java)
        .args("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", McpTestServer.class.getName())
        .env(Map.of("CLASSPATH", System.getProperty("java.class.path")))
        .build();
  }

  /** A client connected to a freshly started server process. */
  static McpAsyncClient startServer() {
    var params = serverParameters();
    McpAsyncClient c =
        McpClient.async(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            // Long on purpose: a failure well within it is the server going away, not a timeout.
            .requestTimeout(WAIT)
            .initializationTimeout(WAIT)
            .build();
    c.initialize().block(WAIT);
    return c;
  }

  @BeforeAll
  static void connect() {
    client = startServer();
    tools = McpTools.from(client).block(WAIT);
  }

  @AfterAll
  static void close() {
    if (client != null) client.closeGracefully().block(WAIT);
  }

  private static JsonNode golden() throws Exception {
    return JSON.readTree(
        Objects.requireNonNull(
            McpToolsTest.class.getResourceAsStream("/dspy-goldens/mcp/react_mcp.json")));
  }

  private static Tool tool(String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theServersToolsAreListedAndPrintAsDspyPrintsConvertedMcpTools() throws Exception {
    assertThat(tools)
        .extracting(Tool::name)
        .containsExactly("add", "describe_place", "two_texts", "fail", "hang", "die");
    JsonNode g = golden();
    assertThat(tools.subList(0, 2).stream().map(Tool::toString).toList())
        .isEqualTo(JSON.convertValue(g.get("tool_strings"), new TypeReference<List<String>>() {}));
    // As DSPy's format_as_litellm_function_call() of the converted tools ($ref resolved).
    JsonNode functions = JSON.valueToTree(Tool.asOpenAiTools(tools.subList(0, 2)));
    assertThat(functions).isEqualTo(g.get("litellm_functions"));
  }

  @Test
  void toolsAreCalledOnTheServerAndTheirResultsConvertedAsDspyDoes() {
    assertThat(tool("add").call(Map.of("a", 2, "b", 40)).block(WAIT)).isEqualTo("42");
    assertThat(tool("describe_place").call(Map.of("place", Map.of("city", "Lyon"))).block(WAIT))
        .isEqualTo("Lyon is in an unknown country");
    assertThat(tool("two_texts").call(Map.of()).block(WAIT)).isEqualTo(List.of("first", "second"));
  }

  @Test
  void badArgumentsAreRejectedBeforeAnyCall() {
    StepVerifier.create(tool("add").call(Map.of("a", "two", "b", 1)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ToolArgumentException.class)
                    .hasMessageStartingWith("Arg a is invalid:"))
        .verify(WAIT);
    StepVerifier.create(tool("add").call(Map.of("c", 1)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ToolArgumentException.class)
                    .hasMessage("Arg c is not in the tool's args."))
        .verify(WAIT);
  }

  @Test
  void aToolErrorReportedByTheServerIsATypedErrorWithDspysMessage() {
    StepVerifier.create(tool("fail").call(Map.of()))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(McpToolException.class)
                  .hasMessage("Failed to call a MCP tool: the tool broke");
              assertThat(((McpToolException) e).kind()).isEqualTo(McpToolException.Kind.TOOL_ERROR);
              assertThat(((McpToolException) e).toolName()).isEqualTo("fail");
            })
        .verify(WAIT);
  }

  /**
   * The server process the client {@code startServer} made last started (the newest McpTestServer
   * child).
   */
  private static ProcessHandle newestServerProcess() {
    return ProcessHandle.current()
        .children()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> List.of(a).contains(McpTestServer.class.getName()))
                    .orElse(false))
        .max(
            java.util.Comparator.comparing(
                p -> p.info().startInstant().orElse(java.time.Instant.EPOCH)))
        .orElseThrow();
  }

  @Test
  void theServerGoingAwayMidCallGivesATypedErrorAtOnceGivenTheServersEnd() {
    McpAsyncClient own = startServer();
    ProcessHandle server = newestServerProcess();
    try {
      Tool die =
          McpTools.from(own, Mono.fromCompletionStage(server.onExit())).block(WAIT).stream()
              .filter(t -> t.name().equals("die"))
              .findFirst()
              .orElseThrow();
      long start = System.nanoTime();
      StepVerifier.create(die.call(Map.of()))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(McpToolException.class)
                    .hasMessage("the call of MCP tool 'die' failed: the MCP server went away");
                assertThat(((McpToolException) e).kind())
                    .isEqualTo(McpToolException.Kind.CALL_FAILED);
              })
          .verify(WAIT);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT.dividedBy(2));
      assertThat(server.isAlive()).isFalse();
    } finally {
      own.close();
    }
  }

  @Test
  void withoutASignalOfTheServersEndACallToAGoneServerEndsAsATypedErrorAtTheRequestTimeout() {
    var params = serverParameters();
    McpAsyncClient own =
        McpClient.async(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(3))
            .initializationTimeout(WAIT)
            .build();
    own.initialize().block(WAIT);
    try {
      Tool die =
          McpTools.from(own).block(WAIT).stream()
              .filter(t -> t.name().equals("die"))
              .findFirst()
              .orElseThrow();
      StepVerifier.create(die.call(Map.of()))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(McpToolException.class)
                    .hasMessageStartingWith("the call of MCP tool 'die' failed: ");
                assertThat(((McpToolException) e).kind())
                    .isEqualTo(McpToolException.Kind.CALL_FAILED);
                assertThat(e.getCause()).isNotNull();
              })
          .verify(WAIT);
    } finally {
      own.close();
    }
  }

  @Test
  void cancellingACallLeavesTheClientUsable() {
    StepVerifier.create(tool("hang").call(Map.of()))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(300))
        .thenCancel()
        .verify(WAIT);
    assertThat(tool("add").call(Map.of("a", 1, "b", 1)).block(WAIT)).isEqualTo("2");
  }

  @Test
  void aReActRunWithMcpToolsSendsDspysPromptsAndPredictsAsDspy() throws Exception {
    JsonNode g = golden();
    DummyLM lm =
        DummyLM.of(
            JSON.convertValue(g.get("script"), new TypeReference<List<Map<String, Object>>>() {}));
    ReAct agent = ReAct.of("question -> answer", tools.subList(0, 2)).withMaxIters(5);

    Prediction p =
        agent
            .call(Map.of("question", g.get("question").asText()))
            .contextWrite(Dspy.withLm(lm))
            .block(WAIT);

    var prompts = new ArrayList<List<Map<String, String>>>();
    for (LmRequest r : lm.requests()) {
      var messages = new ArrayList<Map<String, String>>();
      for (Message m : r.messages()) messages.add(Map.of("role", m.role(), "content", m.content()));
      prompts.add(messages);
    }
    assertThat(prompts).isEqualTo(JSON.convertValue(g.get("prompts"), new TypeReference<>() {}));
    assertThat(JSON.readTree(JSON.writeValueAsString(p.fields()))).isEqualTo(g.get("prediction"));
  }
}
