package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.ChainCache;
import dev.dspy4j.core.cache.DefaultLmCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Native function calling values: calls, their pieces, assembly, and the request/response/cache
 * round trips.
 */
class ToolCallsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<Map<String, Object>> TOOLS =
      List.of(
          Map.of(
              "type",
              "function",
              "function",
              Map.of(
                  "name",
                  "search",
                  "description",
                  "Search.",
                  "parameters",
                  Map.of(
                      "type",
                      "object",
                      "properties",
                      Map.of("q", Map.of("type", "string")),
                      "required",
                      List.of("q")))));

  @TempDir Path temp;

  @Test
  void piecesAreAssembledPerIndexKeepingTheFirstIdAndName() {
    var calls = new ToolCallAssembler();
    assertThat(calls.isEmpty()).isTrue();
    calls.add(new ToolCallDelta(1, "call_b", "g", ""));
    calls.add(new ToolCallDelta(0, "call_a", "f", "{\"x\""));
    calls.add(new ToolCallDelta(0, null, null, ": 1}"));
    calls.add(new ToolCallDelta(1, "", "", "  "));
    assertThat(calls.complete())
        .containsExactly(
            new ToolCall("call_a", "f", "{\"x\": 1}"), new ToolCall("call_b", "g", "{}"));
    assertThat(calls.complete().get(0).parsedArguments()).isEqualTo(Map.of("x", 1));
    assertThat(calls.complete().get(0).format())
        .isEqualTo(Map.of("name", "f", "args", Map.of("x", 1)));
  }

  @Test
  void aCallWithoutNameOrWithArgumentsThatAreNotOneJsonObjectIsMalformed() {
    assertThatThrownBy(() -> ToolCall.checked(2, "call_z", null, "{}"))
        .isInstanceOf(MalformedToolCallException.class)
        .hasMessage("the LM's tool call 2 (id call_z) has no function name");
    assertThatThrownBy(() -> ToolCall.checked(0, null, "f", "{\"a\": 1} trailing"))
        .isInstanceOf(MalformedToolCallException.class)
        .hasMessageContaining("tool call 0 to 'f' are not valid JSON");
    assertThatThrownBy(() -> ToolCall.checked(0, null, "f", "\"text\""))
        .isInstanceOf(MalformedToolCallException.class)
        .hasMessage("the arguments of the LM's tool call 0 to 'f' are not a JSON object: \"text\"");
    assertThatThrownBy(() -> new ToolCall("id", "f", "[1]").parsedArguments())
        .isInstanceOf(MalformedToolCallException.class)
        .isInstanceOf(LmException.class);
    String longArgs = "{\"a\": \"" + "x".repeat(500);
    assertThatThrownBy(() -> ToolCall.checked(0, null, "f", longArgs))
        .hasMessageEndingWith("x".repeat(193) + "...");
    assertThatThrownBy(() -> new ToolCallDelta(-1, null, null, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toolsAndToolChoiceAreValuesOfTheRequestAndPartOfItsCacheKey() {
    LmRequest plain = LmRequest.ofUser("hi");
    LmRequest withTools =
        LmRequest.builder(List.of(Message.user("hi"))).tools(TOOLS).toolChoice("required").build();
    assertThat(withTools.tools()).isEqualTo(TOOLS);
    assertThat(withTools.toolChoice()).contains("required");
    assertThat(withTools.toBuilder().build()).isEqualTo(withTools).hasSameHashCodeAs(withTools);
    assertThat(withTools).isNotEqualTo(plain);
    assertThat(withTools.toString()).contains("tools=1", "toolChoice=required");
    assertThat(CacheKey.of("m", withTools)).isNotEqualTo(CacheKey.of("m", plain));
    assertThat(CacheKey.of("m", withTools))
        .isNotEqualTo(CacheKey.of("m", withTools.toBuilder().toolChoice("auto").build()));
    // A request without tools keys as before.
    assertThat(CacheKey.of("m", plain))
        .isEqualTo(
            CacheKey.of(
                "m", LmRequest.builder(List.of(Message.user("hi"))).tools(List.of()).build()));
    assertThatThrownBy(() -> LmRequest.builder(List.of(Message.user("hi"))).toolChoice(3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStreamedAnswersCallsAreCachedInMemoryAndOnDiskAndReplayedWhole() {
    LmRequest request = LmRequest.builder(List.of(Message.user("hi"))).tools(TOOLS).build();
    var network = new AtomicInteger();
    List<LmChunk> streamed =
        List.of(
            LmChunk.of(
                0,
                "",
                null,
                null,
                null,
                List.of(new ToolCallDelta(0, "call_1", "search", "{\"q\""))),
            LmChunk.of(
                0, "", null, null, null, List.of(new ToolCallDelta(0, null, null, ": \"x\"}"))),
            LmChunk.of(0, "", null, "tool_calls", null));
    ToolCall whole = new ToolCall("call_1", "search", "{\"q\": \"x\"}");
    for (DefaultLmCache cache :
        List.of(
            DefaultLmCache.builder().build(),
            DefaultLmCache.builder().diskDirectory(temp).build())) {
      var first =
          ChainCache.stream(
                  cache,
                  "m",
                  request,
                  true,
                  () -> Flux.fromIterable(streamed).doOnSubscribe(s -> network.incrementAndGet()))
              .collectList()
              .block(WAIT);
      assertThat(first).isEqualTo(streamed);
      var replay =
          ChainCache.stream(
                  cache, "m", request, true, () -> Flux.error(new AssertionError("not cached")))
              .collectList()
              .block(WAIT);
      assertThat(replay).hasSize(1);
      assertThat(replay.get(0).toolCallDeltas()).containsExactly(ToolCallDelta.whole(0, whole));
      var hit =
          ChainCache.complete(
                  cache, "m", request, true, () -> Mono.error(new AssertionError("not cached")))
              .block(WAIT);
      assertThat(hit.toolCalls()).containsExactly(whole);
    }
    // And from disk alone, after a restart.
    var restarted = DefaultLmCache.builder().diskDirectory(temp).build();
    var hit =
        ChainCache.complete(
                restarted, "m", request, true, () -> Mono.error(new AssertionError("not cached")))
            .block(WAIT);
    assertThat(hit.toolCalls()).containsExactly(whole);
    assertThat(network).hasValue(2);
  }
}
