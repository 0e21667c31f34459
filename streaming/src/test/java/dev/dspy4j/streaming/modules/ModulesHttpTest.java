package dev.dspy4j.streaming.modules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.predict.BestOfN;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Majority;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.Reward;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Issue 20 over real HTTP on loopback with the real {@link LM}: {@code n} completions (complete and
 * streamed), BestOfN's concurrent mode cancelling the attempts still running (the server sees the
 * disconnects), and attempts that never share a cache entry.
 */
class ModulesHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> QUESTION =
      Map.of("question", "What is the capital of Belgium?");
  private static final List<String> ANSWERS =
      List.of("Brussels", "Antwerp", "brussels.", "Ghent", "The Brussels");
  private static final Reward ONE_WORD =
      (in, p) -> p.get("answer").trim().split("\\s+").length == 1 ? 1.0 : 0.0;

  @StartStop private final MockWebServer mock = new MockWebServer();

  private LoopbackServer server;

  @BeforeEach
  void freshCacheAndNoUnexpectedRequests() {
    Dspy.configureCache(DefaultLmCache.builder().build());
    MockServers.failUnexpectedRequests(mock);
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  private static String cot(String reasoning, String answer) {
    return DummyLM.chatFormat(Map.of("reasoning", reasoning, "answer", answer));
  }

  private static List<String> fiveAnswers() {
    var texts = new ArrayList<String>();
    for (int i = 0; i < ANSWERS.size(); i++) texts.add(cot("thought " + i, ANSWERS.get(i)));
    return texts;
  }

  private static JsonNode body(RecordedRequest request) throws Exception {
    return JSON.readTree(request.getBody().utf8());
  }

  /**
   * An SSE body with the five choices' tokens interleaved round-robin, then a finish per choice.
   */
  private static String interleaved(List<String> texts, int tokenSize) {
    var sb = new StringBuilder(Sse.roleChunk());
    int longest = texts.stream().mapToInt(String::length).max().orElse(0);
    for (int at = 0; at < longest; at += tokenSize) {
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        if (at < t.length())
          sb.append(Sse.text(i, t.substring(at, Math.min(t.length(), at + tokenSize))));
      }
    }
    for (int i = 0; i < texts.size(); i++) {
      sb.append(
          Sse.event(
              "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":"
                  + i
                  + ",\"delta\":{},\"finish_reason\":\"stop\"}]}"));
    }
    return sb.append(Sse.usage(12, 40)).append(Sse.done()).toString();
  }

  @Test
  void fiveChoicesOverHttpAreFiveParsedCompletions() throws Exception {
    mock.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion(fiveAnswers().toArray(String[]::new)))
            .build());
    LM lm = TestLms.builder(mock).build();

    Prediction p =
        ChainOfThought.of("question -> answer").withN(5).withLm(lm).call(QUESTION).block(WAIT);

    assertThat(p.completions()).hasSize(5);
    assertThat(p.completions()).extracting(c -> c.get("answer")).containsExactlyElementsOf(ANSWERS);
    assertThat(p.completions())
        .extracting(c -> c.get("reasoning"))
        .containsExactly("thought 0", "thought 1", "thought 2", "thought 3", "thought 4");
    assertThat(p.get("answer")).isEqualTo("Brussels");
    assertThat(Majority.majority(p).get("answer")).as("brussels three times").isEqualTo("Brussels");
    JsonNode sent = body(mock.takeRequest());
    assertThat(sent.get("n").asInt()).isEqualTo(5);
    assertThat(sent.get("temperature").asDouble()).as("DSPy samples n > 1 at 0.7").isEqualTo(0.7);
  }

  @Test
  void anLmsOwnTemperatureIsKeptForSeveralChoices() throws Exception {
    mock.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion(fiveAnswers().toArray(String[]::new)))
            .build());
    LM lm = TestLms.builder(mock).temperature(0.9).build();

    ChainOfThought.of("question -> answer").withN(5).withLm(lm).call(QUESTION).block(WAIT);

    JsonNode sent = body(mock.takeRequest());
    assertThat(sent.get("temperature").asDouble())
        .as("DSPy raises only a missing or near-zero temperature")
        .isEqualTo(0.9);
  }

  @Test
  void fiveChoicesStreamedOverHttpGiveTheSameCompletionsAndChunksCarryTheirChoiceIndex()
      throws Exception {
    String sse = interleaved(fiveAnswers(), 4);
    for (int i = 0; i < 2; i++) {
      mock.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "text/event-stream")
              .body(sse)
              .build());
    }
    mock.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion(fiveAnswers().toArray(String[]::new)))
            .build());
    LM lm = TestLms.builder(mock).build();
    var cot = ChainOfThought.of("question -> answer").withN(5).withLm(lm);

    List<LmChunk> chunks = lm.stream(LmRequest.ofUser("hi").withN(5)).collectList().block(WAIT);
    List<StreamEvent> events = cot.stream(QUESTION).collectList().block(WAIT);
    Prediction completed = cot.call(QUESTION).block(WAIT);

    var byChoice =
        chunks.stream()
            .collect(
                Collectors.groupingBy(
                    LmChunk::index, Collectors.mapping(LmChunk::text, Collectors.joining())));
    assertThat(byChoice).hasSize(5);
    for (int i = 0; i < 5; i++) assertThat(byChoice.get(i)).isEqualTo(fiveAnswers().get(i));

    Prediction streamed = ((Done) events.get(events.size() - 1)).prediction();
    assertThat(streamed.completions()).hasSize(5);
    assertThat(streamed.completions()).isEqualTo(completed.completions());
    for (int i = 0; i < 5; i++) {
      int choice = i;
      String answerChunks =
          events.stream()
              .filter(
                  e ->
                      e instanceof FieldChunk c
                          && c.field().equals("answer")
                          && c.choice() == choice)
              .map(e -> ((FieldChunk) e).text())
              .collect(Collectors.joining());
      assertThat(answerChunks)
          .as("the answer chunks of choice %d", choice)
          .isEqualTo(ANSWERS.get(i));
    }
    mock.takeRequest();
    JsonNode sent = body(mock.takeRequest());
    assertThat(sent.get("n").asInt()).isEqualTo(5);
    assertThat(sent.get("stream").asBoolean()).isTrue();
  }

  @Test
  void bestOfNConcurrentModeReturnsTheThirdAttemptsAnswerAndTheServerSeesTheOthersDisconnect()
      throws Exception {
    var arrivals = new AtomicInteger();
    var allArrived = Sinks.<Boolean>one();
    var heldAndCancelled = new AtomicInteger();
    server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .aggregate()
                    .asString()
                    .flatMap(
                        body -> {
                          int k = arrivals.incrementAndGet();
                          if (k == 5) allArrived.tryEmitValue(true);
                          String answer =
                              switch (k) {
                                case 1 -> "It is Brussels";
                                case 2 -> "Brussels it is";
                                case 3 -> "Brussels";
                                default -> null;
                              };
                          if (answer == null) {
                            // Attempts 4 and 5: the server holds the answer until the client goes
                            // away.
                            return Mono.never()
                                .doOnCancel(heldAndCancelled::incrementAndGet)
                                .then();
                          }
                          Mono<Void> send =
                              res.header("Content-Type", "application/json")
                                  .sendString(
                                      Mono.just(
                                          Sse.completion(
                                              DummyLM.chatFormat(Map.of("answer", answer)))))
                                  .then();
                          // The passing answer leaves only once every attempt is in flight.
                          return k == 3 ? allArrived.asMono().then(send) : send;
                        }));
    LM lm = TestLms.builder(server.apiBase()).build();
    var best =
        BestOfN.of(Predict.of("question -> answer").withLm(lm), 5, ONE_WORD, 1.0)
            .withConcurrency(5);

    Prediction p = best.call(QUESTION).block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Brussels");
    assertThat(arrivals).hasValue(5);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while ((heldAndCancelled.get() < 2 || server.connectionsClosed() < 2)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(heldAndCancelled).as("the server saw both held exchanges go away").hasValue(2);
    assertThat(server.connectionsClosed())
        .as("their connections were closed")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void everyAttemptReachesTheServerDespiteTheCacheAndARepeatedCallIsAnsweredFromIt()
      throws Exception {
    for (String a : List.of("a b", "c d", "e f")) {
      mock.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "application/json")
              .body(Sse.completion(DummyLM.chatFormat(Map.of("answer", a))))
              .build());
    }
    LM lm = TestLms.builder(mock).cache(true).build();
    var best = BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, ONE_WORD, 1.0);

    Prediction first = best.call(QUESTION).block(WAIT);
    Prediction again = best.call(QUESTION).block(WAIT);

    assertThat(mock.getRequestCount())
        .as("three attempts, three cache keys, three requests")
        .isEqualTo(3);
    assertThat(first.get("answer")).isEqualTo("a b");
    assertThat(again.get("answer")).isEqualTo("a b");
    assertThat(again.cacheHit()).as("same rollout ids: DSPy's cache answers the repeat").isTrue();
    var temperatures = new ArrayList<Double>();
    for (int i = 0; i < 3; i++)
      temperatures.add(body(mock.takeRequest()).get("temperature").asDouble());
    assertThat(temperatures).containsExactly(1.0, 1.0, 1.0);
  }
}
