package dev.dspy4j.streaming.modules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * ReAct over real HTTP: a loopback server plays a deterministic agent (call {@code whoami}, then
 * {@code finish}, then answer) and checks, on every request, that the Helicone session header is
 * the one of the agent the request belongs to.
 */
class ReActHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AGENT = Pattern.compile("<agent-(\\d+)>");

  record NoArgs() {}

  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private LoopbackServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private Mono<Void> agentServer(HttpServerRequest req, HttpServerResponse res) {
    return req.receive()
        .aggregate()
        .asString()
        .flatMap(
            body -> {
              requests.incrementAndGet();
              JsonNode messages;
              try {
                messages = JSON.readTree(body).get("messages");
              } catch (Exception e) {
                return Mono.error(e);
              }
              String system = messages.get(0).get("content").asText();
              String user = messages.get(messages.size() - 1).get("content").asText();
              Matcher m = AGENT.matcher(user);
              String agent = m.find() ? m.group(1) : "?";
              String session = req.requestHeaders().get("Helicone-Session-Id");
              if (!("session-" + agent).equals(session)) {
                problems.add("agent " + agent + " sent session " + session);
              }
              var answer = new LinkedHashMap<String, Object>();
              if (system.contains("next_tool_name")) {
                if (user.contains("[[ ## observation_0 ## ]]")) {
                  if (!user.contains("[[ ## observation_0 ## ]]\nsession-" + agent + "\n")) {
                    problems.add("agent " + agent + "'s tool did not see its own session: " + user);
                  }
                  answer.put("next_thought", "done");
                  answer.put("next_tool_name", "finish");
                  answer.put("next_tool_args", Map.of());
                } else {
                  answer.put("next_thought", "who am I?");
                  answer.put("next_tool_name", "whoami");
                  answer.put("next_tool_args", Map.of());
                }
              } else {
                answer.put("reasoning", "the tool said so");
                answer.put("answer", "agent " + agent);
              }
              return res.header("Content-Type", "application/json")
                  .sendString(Mono.just(Sse.completion(DummyLM.chatFormat(answer))))
                  .then();
            });
  }

  private static final Tool WHOAMI =
      Tool.of(
          "whoami",
          "Tells the caller's Helicone session.",
          NoArgs.class,
          a ->
              Mono.deferContextual(
                  ctx -> Mono.just(Helicone.current(ctx).sessionId().orElse("none"))));

  @Test
  void aThousandConcurrentAgentsEachSendOnlyTheirOwnSessionAndTheirToolsSeeIt() {
    server = LoopbackServer.start(this::agentServer);
    LM lm = TestLms.builder(server.apiBase()).cache(false).build();
    ReAct agent = ReAct.of("question -> answer", List.of(WHOAMI)).withMaxIters(3);

    List<Prediction> predictions =
        Flux.range(0, 1_000)
            .flatMap(
                i ->
                    agent
                        .call(Map.of("question", "Who am I? <agent-" + i + ">"))
                        .contextWrite(Helicone.session("session-" + i, "Agents", "/agents"))
                        .contextWrite(dev.dspy4j.core.Dspy.withLm(lm))
                        .map(p -> Map.entry(i, p)),
                1_000)
            .map(
                e -> {
                  if (!e.getValue().get("answer").equals("agent " + e.getKey()))
                    problems.add("wrong answer for " + e.getKey());
                  return e.getValue();
                })
            .collectList()
            .block(WAIT);

    assertThat(predictions).hasSize(1_000);
    assertThat(requests).hasValue(3_000);
    assertThat(problems).isEmpty();
  }

  @Test
  void cancellingDuringAnLmStepClosesTheRequestAtTheServer() throws Exception {
    var arrived = new AtomicInteger();
    server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .aggregate()
                    .asString()
                    .flatMap(
                        body -> {
                          arrived.incrementAndGet();
                          return Mono.<Void>never();
                        }));
    LM lm = TestLms.builder(server.apiBase()).cache(false).numRetries(0).build();
    Disposable run =
        ReAct.of("question -> answer", List.of(WHOAMI))
            .call(Map.of("question", "q"))
            .contextWrite(dev.dspy4j.core.Dspy.withLm(lm))
            .subscribe();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (arrived.get() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
    run.dispose();
    assertThat(server.awaitConnectionClosed(Duration.ofSeconds(10)))
        .as("the server saw the disconnect")
        .isTrue();
    assertThat(arrived).hasValue(1);
  }
}
