package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.MalformedToolCallException;
import dev.dspy4j.core.lm.ToolCall;
import dev.dspy4j.core.lm.ToolCallAssembler;
import dev.dspy4j.core.lm.ToolCallDelta;
import dev.dspy4j.core.signature.Desc;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Native function calling over real HTTP on loopback: tools sent as OpenAI's {@code tools},
 * function calls read from non-streamed answers and assembled from streamed {@code tool_calls}
 * deltas.
 */
class NativeFunctionCallingHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Arguments with escapes and characters of 2, 3 and 4 UTF-8 bytes. */
  private static final String ARGS =
      "{\"query\": \"caf\u00e9 \u20ac \ud83d\ude00 \\\"quoted\\\" \\n\", \"limit\": 3}";

  record SearchArgs(@Desc("what to look for") String query, int limit) {}

  private static final Tool SEARCH =
      Tool.of("search", "Search the web.", SearchArgs.class, a -> "found " + a.query());

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private static String toolDelta(int index, String id, String name, String arguments) {
    var function = new StringBuilder("{");
    if (name != null) function.append("\"name\":").append(Sse.json(name)).append(',');
    function.append("\"arguments\":").append(Sse.json(arguments)).append('}');
    return Sse.event(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{"
            + (id == null ? "" : "\"role\":\"assistant\",\"content\":null,")
            + "\"tool_calls\":[{\"index\":"
            + index
            + (id == null ? "" : ",\"id\":" + Sse.json(id) + ",\"type\":\"function\"")
            + ",\"function\":"
            + function
            + "}]},\"finish_reason\":null}]}");
  }

  private static String streamOf(List<String> argPieces) {
    var sb = new StringBuilder();
    for (int i = 0; i < argPieces.size(); i++) {
      sb.append(
          i == 0
              ? toolDelta(0, "call_1", "search", argPieces.get(0))
              : toolDelta(0, null, null, argPieces.get(i)));
    }
    return sb.append(Sse.finish("tool_calls"))
        .append(Sse.usage(5, 9))
        .append(Sse.done())
        .toString();
  }

  private static MockResponse.Builder sse(String body) {
    return new MockResponse.Builder().addHeader("Content-Type", "text/event-stream").body(body);
  }

  private static LmRequest request() {
    return LmRequest.builder(List.of(dev.dspy4j.core.lm.Message.user("find cafés")))
        .tools(Tool.asOpenAiTools(List.of(SEARCH)))
        .toolChoice("auto")
        .build();
  }

  /** The calls a subscriber assembles from the stream's chunks. */
  private static List<ToolCall> assembled(LM lm, LmRequest request) {
    var calls = new ToolCallAssembler();
    return lm.stream(request)
        .doOnNext(calls::add)
        .then(Mono.fromCallable(calls::complete))
        .block(WAIT);
  }

  @Test
  void toolsAndToolChoiceAreSentAsOpenAiToolsFromDspysFunctionFormat() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("plain"))
            .build());
    LmResponse response = TestLms.builder(server).build().complete(request()).block(WAIT);
    assertThat(response.toolCalls()).isEmpty();

    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    JsonNode body = MAPPER.readTree(r.getBody().utf8());
    assertThat(body.get("tool_choice").asText()).isEqualTo("auto");
    // As DSPy's Tool.format_as_litellm_function_call() writes it for def search(query: str, limit:
    // int).
    assertThat(body.get("tools"))
        .isEqualTo(
            MAPPER.readTree(
                """
        [{"type": "function", "function": {"name": "search", "description": "Search the web.",
          "parameters": {"type": "object", "properties": {
            "query": {"type": "string", "description": "what to look for"}, "limit": {"type": "integer"}},
          "required": ["query", "limit"]}}}]"""));
  }

  @Test
  void aNonStreamedAnswersToolCallsAreOnTheResponse() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                """
        {"id":"x","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",
        "content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"search","arguments":%s}},
        {"id":"call_b","type":"function","function":{"name":"search","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
        "usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"""
                    .formatted(Sse.json(ARGS)))
            .build());
    LmResponse response = TestLms.builder(server).build().complete(request()).block(WAIT);
    assertThat(response.text()).isEmpty();
    assertThat(response.finishReason()).contains("tool_calls");
    assertThat(response.toolCalls())
        .containsExactly(
            new ToolCall("call_a", "search", ARGS), new ToolCall("call_b", "search", "{}"));
    assertThat(response.toolCalls().get(0).parsedArguments())
        .isEqualTo(Map.of("query", "caf\u00e9 \u20ac \ud83d\ude00 \"quoted\" \n", "limit", 3));
  }

  @Test
  void aServerAnsweringAStreamRequestWithOneJsonCompletionGivesItsCallsAsWholePieces() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                """
        {"choices":[{"index":0,"message":{"content":null,"tool_calls":[{"id":"call_j","type":"function",
        "function":{"name":"search","arguments":%s}}]},"finish_reason":"tool_calls"}]}"""
                    .formatted(Sse.json(ARGS)))
            .build());
    LM lm = TestLms.builder(server).build();
    var chunks = lm.stream(request()).collectList().block(WAIT);
    assertThat(chunks.get(0).toolCallDeltas())
        .containsExactly(new ToolCallDelta(0, "call_j", "search", ARGS));
    assertThat(chunks.get(0).finishReason()).contains("tool_calls");
  }

  @Test
  void argumentDeltasSplitAtEveryBoundaryAssembleToTheSameArguments() {
    LM lm = TestLms.builder(server).build();
    var splits = new ArrayList<Integer>();
    for (int k = 0; k <= ARGS.length(); k = ARGS.offsetByCodePoints(k, 1)) {
      splits.add(k);
      if (k == ARGS.length()) break;
    }
    for (int k : splits) {
      server.enqueue(sse(streamOf(List.of(ARGS.substring(0, k), ARGS.substring(k)))).build());
      assertThat(assembled(lm, request()))
          .as("split at char " + k)
          .containsExactly(new ToolCall("call_1", "search", ARGS));
    }
    // One code point per delta, and every byte of the body in its own TCP write: every byte
    // boundary
    // of the wire (inside UTF-8 sequences, escapes, field names) is a packet boundary.
    var pieces = new ArrayList<String>();
    ARGS.codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
    server.enqueue(sse(streamOf(pieces)).throttleBody(1, 100, TimeUnit.MICROSECONDS).build());
    assertThat(assembled(lm, request())).containsExactly(new ToolCall("call_1", "search", ARGS));
  }

  @Test
  void streamedDeltasOfTwoParallelCallsAreAssembledPerIndex() {
    String body =
        toolDelta(0, "call_1", "search", "{\"query\": ")
            + toolDelta(1, "call_2", "search", "{\"qu")
            + toolDelta(0, null, null, "\"a\", \"limit\": 1}")
            + toolDelta(1, null, null, "ery\": \"b\", \"limit\": 2}")
            + Sse.finish("tool_calls")
            + Sse.done();
    server.enqueue(sse(body).build());
    LM lm = TestLms.builder(server).build();
    var chunks = lm.stream(request()).collectList().block(WAIT);
    assertThat(chunks).filteredOn(c -> !c.toolCallDeltas().isEmpty()).hasSize(4);
    var calls = new ToolCallAssembler();
    chunks.forEach(calls::add);
    assertThat(calls.complete())
        .containsExactly(
            new ToolCall("call_1", "search", "{\"query\": \"a\", \"limit\": 1}"),
            new ToolCall("call_2", "search", "{\"query\": \"b\", \"limit\": 2}"));
  }

  @Test
  void malformedStreamedArgumentsFailTheStreamWithATypedErrorAndAreNotRetried() {
    server.enqueue(sse(streamOf(List.of("{\"query\": ", "\"unterminated"))).build());
    LM lm = TestLms.builder(server).build();
    var seen = new ArrayList<LmChunk>();
    StepVerifier.create(lm.stream(request()).doOnNext(seen::add))
        .thenConsumeWhile(c -> true)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(MalformedToolCallException.class)
                    .hasMessageContaining("tool call 0 (id call_1) to 'search'")
                    .hasMessageContaining("not valid JSON")
                    .hasMessageContaining("{\"query\": \"unterminated"))
        .verify(WAIT);
    assertThat(seen).filteredOn(c -> !c.toolCallDeltas().isEmpty()).hasSize(2);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void malformedNonStreamedArgumentsOrAMissingNameFailWithATypedError() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                """
        {"choices":[{"index":0,"message":{"content":null,"tool_calls":[{"id":"call_x","type":"function",
        "function":{"name":"search","arguments":"[1, 2]"}}]},"finish_reason":"tool_calls"}]}""")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                """
        {"choices":[{"index":0,"message":{"content":null,"tool_calls":[{"id":"call_y","type":"function",
        "function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""")
            .build());
    LM lm = TestLms.builder(server).build();
    assertThatThrownBy(() -> lm.complete(request()).block(WAIT))
        .isInstanceOf(MalformedToolCallException.class)
        .hasMessageContaining("tool call 0 (id call_x) to 'search' are not a JSON object: [1, 2]");
    assertThatThrownBy(() -> lm.complete(request()).block(WAIT))
        .isInstanceOf(MalformedToolCallException.class)
        .hasMessageContaining("tool call 0 (id call_y) has no function name");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }
}
