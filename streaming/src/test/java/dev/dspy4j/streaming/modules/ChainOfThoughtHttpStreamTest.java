package dev.dspy4j.streaming.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.helicone.CacheStatus;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Field streaming of ChainOfThought (issue 5) end to end: the real {@link LM} over HTTP on
 * loopback, SSE bodies from a MockWebServer or a Reactor Netty server the test controls.
 */
class ChainOfThoughtHttpStreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Map<String, Object> QUESTION = Map.of("question", "Why is the sky blue?");
  private static final String REASONING =
      "Sunlight scatters off air molecules;\nblue light scatters most.";
  private static final String ANSWER = "Rayleigh scattering.";
  private static final String TEXT =
      "[[ ## reasoning ## ]]\n"
          + REASONING
          + "\n\n[[ ## answer ## ]]\n"
          + ANSWER
          + "\n\n[[ ## completed ## ]]\n";

  @StartStop private final MockWebServer mock = new MockWebServer();

  private LoopbackServer server;

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(mock);
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private static ChainOfThought cot(String apiBase) {
    LM lm = TestLms.builder(apiBase).cache(false).build();
    return ChainOfThought.of("question -> answer").withLm(lm);
  }

  /** An SSE body with the usage the non-streamed {@link Sse#completion} reports (7 + 3). */
  private static String sseBody(List<String> tokens) {
    var sb = new StringBuilder(Sse.roleChunk());
    tokens.forEach(t -> sb.append(Sse.text(t)));
    return sb.append(Sse.finish("stop")).append(Sse.usage(7, 3)).append(Sse.done()).toString();
  }

  private static Map<String, String> joined(List<StreamEvent> events) {
    var out = new LinkedHashMap<String, String>();
    for (StreamEvent e : events) {
      if (e instanceof FieldChunk c) out.merge(c.field(), c.text(), String::concat);
    }
    return out;
  }

  @Test
  void theFirstFieldChunkArrivesWhileTheServerIsStillHoldingTheRestOfTheAnswer() throws Exception {
    var release = new CompletableFuture<Void>();
    var serverFinished = new AtomicBoolean();
    server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "text/event-stream")
                            .sendString(
                                Flux.concat(
                                        Flux.just(
                                            Sse.roleChunk(),
                                            Sse.text("[[ ## reasoning ## ]]\n"),
                                            Sse.text("Sunlight scatters ")),
                                        // Held until the test has seen the first field chunk (or 30
                                        // s, failing the test).
                                        Mono.fromFuture(release)
                                            .timeout(WAIT)
                                            .thenMany(
                                                Flux.just(
                                                    Sse.text(
                                                        "off air molecules;\nblue light scatters most.\n\n[[ ## answer"),
                                                    Sse.text(
                                                        " ## ]]\nRayleigh scattering.\n\n[[ ## completed ## ]]\n"),
                                                    Sse.finish("stop"),
                                                    Sse.usage(7, 3),
                                                    Sse.done())))
                                    .doOnComplete(() -> serverFinished.set(true)))
                            .then()));

    var events = new CopyOnWriteArrayList<StreamEvent>();
    var firstChunk = new CountDownLatch(1);
    var finished = new CountDownLatch(1);
    var failure = new AtomicReference<Throwable>();
    Disposable subscription =
        cot(server.apiBase()).stream(QUESTION)
            .subscribe(
                e -> {
                  events.add(e);
                  if (e instanceof FieldChunk) firstChunk.countDown();
                },
                e -> {
                  failure.set(e);
                  finished.countDown();
                },
                finished::countDown);

    try {
      assertThat(firstChunk.await(30, TimeUnit.SECONDS))
          .as("a field chunk arrived while the server waits")
          .isTrue();
      assertThat(serverFinished).as("the server has not sent the rest yet").isFalse();
      assertThat(events.get(0))
          .isInstanceOfSatisfying(
              FieldChunk.class,
              c -> {
                assertThat(c.field()).isEqualTo("reasoning");
                assertThat(c.text()).startsWith("Sunlight scatters");
              });
      release.complete(null);
      assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      subscription.dispose();
    }

    assertThat(failure.get()).isNull();
    assertThat(serverFinished).isTrue();
    assertThat(joined(events))
        .containsExactly(Map.entry("reasoning", REASONING), Map.entry("answer", ANSWER));
    assertThat(events)
        .last()
        .isInstanceOfSatisfying(
            Done.class, d -> assertThat(d.prediction().get("answer")).isEqualTo(ANSWER));
  }

  @Test
  void markersSplitAcrossSseTokensGiveExactFieldTextsAndDoneEqualsCall() throws Exception {
    List<List<String>> splittings = new ArrayList<>();
    // As a real model tokenises the markers, then seeded random cuts anywhere, down to single
    // characters.
    splittings.add(
        List.of(
            "[[",
            " ##",
            " reasoning",
            " ##",
            " ]]\n",
            "Sunlight scatters off air molecules;\n",
            "blue light scatters most.",
            "\n\n",
            "[[",
            " ##",
            " answer",
            " ##",
            " ]]\n",
            "Rayleigh",
            " scattering.",
            "\n\n[[",
            " ## completed ## ]]\n"));
    for (long seed = 1; seed <= 8; seed++)
      splittings.add(randomCuts(TEXT, new Random(seed), 5 + (int) seed * 6));
    var oneCharEach = new ArrayList<String>();
    for (char ch : TEXT.toCharArray()) oneCharEach.add(String.valueOf(ch));
    splittings.add(oneCharEach);

    ChainOfThought cot = cot(mock.url("/v1/").toString());
    for (List<String> tokens : splittings) {
      assertThat(String.join("", tokens)).isEqualTo(TEXT);
      mock.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "text/event-stream")
              .body(sseBody(tokens))
              .build());
      mock.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "application/json")
              .body(Sse.completion(TEXT))
              .build());

      List<StreamEvent> events = cot.stream(QUESTION).collectList().block(WAIT);
      Prediction called = cot.call(QUESTION).block(WAIT);

      var chunks =
          events.stream().filter(e -> e instanceof FieldChunk).map(e -> (FieldChunk) e).toList();
      assertThat(joined(events))
          .as("tokens %s", tokens)
          .containsExactly(Map.entry("reasoning", REASONING), Map.entry("answer", ANSWER));
      assertThat(chunks)
          .allSatisfy(
              c ->
                  assertThat(c.text())
                      .doesNotContain("[[")
                      .doesNotContain("##")
                      .doesNotContain("]]"));
      assertThat(chunks)
          .filteredOn(FieldChunk::last)
          .extracting(FieldChunk::field)
          .containsExactly("reasoning", "answer");
      assertThat(events).filteredOn(e -> e instanceof Done).hasSize(1);
      assertThat(events).last().isEqualTo(new Done(called));
      assertThat(called.get("reasoning")).isEqualTo(REASONING);
      assertThat(called.usage().totalTokens()).isEqualTo(10);
    }
    assertThat(mock.getRequestCount()).isEqualTo(2 * splittings.size());
  }

  private static List<String> randomCuts(String text, Random random, int cuts) {
    var positions = new java.util.TreeSet<Integer>();
    while (positions.size() < Math.min(cuts, text.length() - 1))
      positions.add(1 + random.nextInt(text.length() - 1));
    var tokens = new ArrayList<String>();
    int from = 0;
    for (int p : positions) {
      tokens.add(text.substring(from, p));
      from = p;
    }
    tokens.add(text.substring(from));
    return tokens;
  }

  @Test
  void cancellingTheStreamClosesTheHttpConnectionAndTheServerSeesIt() throws Exception {
    var serverStreamsCancelled = new AtomicInteger();
    server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "text/event-stream")
                            .sendString(
                                Flux.concat(
                                    Flux.just(Sse.roleChunk(), Sse.text("[[ ## reasoning ## ]]\n")),
                                    Flux.interval(Duration.ofMillis(20))
                                        .map(i -> Sse.text("word" + i + " "))
                                        .doOnCancel(serverStreamsCancelled::incrementAndGet)))
                            .then()));

    StepVerifier.create(cot(server.apiBase()).stream(QUESTION).ofType(FieldChunk.class).take(3))
        .expectNextMatches(c -> c.field().equals("reasoning") && c.text().startsWith("word0"))
        .expectNextCount(2)
        .expectComplete()
        .verify(WAIT);

    assertThat(server.awaitConnectionClosed(WAIT)).as("the server saw the disconnect").isTrue();
    assertThat(server.connectionsClosed()).isEqualTo(1);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (serverStreamsCancelled.get() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(serverStreamsCancelled).as("the server's endless body was cancelled").hasValue(1);
  }

  /** Rewrites the question into a search query, then answers with reasoning. */
  static final class SupportBot implements Module {
    final Predict retrieve;
    final ChainOfThought answer;

    SupportBot(LM lm) {
      this.retrieve = Predict.of("question -> query").withLm(lm).withSessionPath("retrieve");
      this.answer =
          ChainOfThought.of("query, question -> answer").withLm(lm).withSessionPath("answer");
    }

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return retrieve
          .call(inputs)
          .flatMap(
              r ->
                  answer.call(Map.of("query", r.get("query"), "question", inputs.get("question"))));
    }
  }

  /**
   * Answers the two steps of {@link SupportBot}, streamed or not, and records the session paths.
   */
  private LoopbackServer supportServer(Queue<String> sessionPaths) {
    return LoopbackServer.start(
        (req, res) ->
            req.receive()
                .aggregate()
                .asString()
                .flatMap(
                    body -> {
                      sessionPaths.add(req.requestHeaders().get("Helicone-Session-Path", ""));
                      String text =
                          body.contains("`reasoning`")
                              ? TEXT
                              : "[[ ## query ## ]]\nrayleigh scattering sky colour\n\n[[ ## completed ## ]]\n";
                      if (!body.contains("\"stream\":true")) {
                        return res.header("Content-Type", "application/json")
                            .header("Helicone-Id", "b3f1c2d4-1111-4aaa-8bbb-0123456789ab")
                            .header("Helicone-Cache", "MISS")
                            .sendString(Mono.just(Sse.completion(text)))
                            .then();
                      }
                      var tokens = new ArrayList<String>();
                      for (int i = 0; i < text.length(); i += 3)
                        tokens.add(text.substring(i, Math.min(text.length(), i + 3)));
                      return res.header("Content-Type", "text/event-stream")
                          .sendString(Mono.just(sseBody(tokens)))
                          .then();
                    }));
  }

  @Test
  void aCompositeModuleStreamsEachSubModulesChunksTaggedWithItsPathOverHttp() {
    var sessionPaths = new ConcurrentLinkedQueue<String>();
    server = supportServer(sessionPaths);
    var bot = new SupportBot(TestLms.builder(server.apiBase()).cache(false).build());
    var session =
        Helicone.session("0f8e7d6c-5b4a-4392-8170-fedcba987654", "Support", "/support/chat");

    List<StreamEvent> events = bot.stream(QUESTION).contextWrite(session).collectList().block(WAIT);
    Prediction called = bot.call(QUESTION).contextWrite(session).block(WAIT);

    var byPath = new LinkedHashMap<String, String>();
    for (StreamEvent e : events) {
      if (e instanceof FieldChunk c)
        byPath.merge(c.path() + " " + c.field(), c.text(), String::concat);
    }
    assertThat(byPath)
        .containsExactly(
            Map.entry("/retrieve query", "rayleigh scattering sky colour"),
            Map.entry("/answer reasoning", REASONING),
            Map.entry("/answer answer", ANSWER));
    assertThat(events).filteredOn(e -> e instanceof Done).hasSize(1);
    assertThat(events).last().isEqualTo(new Done(called));
    assertThat(sessionPaths)
        .containsExactly(
            "/support/chat/retrieve",
            "/support/chat/answer",
            "/support/chat/retrieve",
            "/support/chat/answer");
    assertThat(called.helicone().requestId()).contains("b3f1c2d4-1111-4aaa-8bbb-0123456789ab");
    assertThat(called.helicone().cacheStatus()).contains(CacheStatus.MISS);
  }
}
