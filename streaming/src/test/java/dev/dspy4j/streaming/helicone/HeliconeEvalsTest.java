package dev.dspy4j.streaming.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.evaluate.Evaluate;
import dev.dspy4j.core.evaluate.EvaluationResult;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Evaluate reports its scores to Helicone's evals API for the requests they came from: a loopback
 * server plays both the gateway (answering with a Helicone-Id) and the API host.
 */
class HeliconeEvalsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern QUESTION = Pattern.compile("<q(\\d+)>");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConcurrentLinkedQueue<String> evalPosts = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private LoopbackServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  /**
   * Question n is answered right when n is even; request ids are req-n; the evals route answers
   * {@code status}.
   */
  private LoopbackServer server(int firstEvalStatus) {
    return LoopbackServer.start(
        (req, res) ->
            req.receive()
                .aggregate()
                .asString()
                .defaultIfEmpty("")
                .flatMap(
                    body -> {
                      if (req.uri().startsWith("/v1/evals/")) {
                        String id = req.uri().substring("/v1/evals/".length());
                        int attempt =
                            attempts
                                .computeIfAbsent(id, k -> new AtomicInteger())
                                .incrementAndGet();
                        evalPosts.add(
                            req.method()
                                + " "
                                + req.uri()
                                + " "
                                + req.requestHeaders().get("Authorization")
                                + " "
                                + body);
                        int status = attempt == 1 ? firstEvalStatus : 201;
                        return res.status(status)
                            .header("Content-Type", "application/json")
                            .sendString(Mono.just("{\"data\":null,\"error\":null}"))
                            .then();
                      }
                      Matcher m = QUESTION.matcher(body);
                      int n = m.find() ? Integer.parseInt(m.group(1)) : -1;
                      String answer = n % 2 == 0 ? "a" + n : "wrong";
                      return res.header("Content-Type", "application/json")
                          .header("Helicone-Id", "req-" + n)
                          .sendString(
                              Mono.just(
                                  Sse.completion(DummyLM.chatFormat(Map.of("answer", answer)))))
                          .then();
                    }));
  }

  private static List<Example> devset(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                Example.of(Map.of("question", "<q" + i + ">", "answer", "a" + i))
                    .withInputs("question"))
        .toList();
  }

  private String apiHost() {
    return server.apiBase().replaceAll("/v1$", "");
  }

  @Test
  void everyScoreIsPostedForTheRequestItCameFrom() throws Exception {
    server = server(201);
    Predict qa =
        Predict.of("question -> answer")
            .withLm(TestLms.builder(server.apiBase()).cache(false).build());
    var evals = HeliconeEvals.builder("sk-helicone-secret").baseUrl(apiHost()).build();

    EvaluationResult r =
        Evaluate.of(devset(6), Metrics.answerExactMatch()).reportTo(evals).run(qa).block(WAIT);

    assertThat(r.score()).isEqualTo(50.0);
    assertThat(evalPosts).hasSize(6);
    for (int i = 0; i < 6; i++) {
      int n = i;
      String post =
          evalPosts.stream()
              .filter(p -> p.startsWith("POST /v1/evals/req-" + n + " "))
              .findFirst()
              .orElseThrow();
      assertThat(post).contains("Bearer sk-helicone-secret");
      JsonNode body = JSON.readTree(post.substring(post.indexOf('{')));
      assertThat(body.get("name").asText()).isEqualTo("answer_exact_match");
      assertThat(body.get("score").asDouble()).isEqualTo(n % 2 == 0 ? 1.0 : 0.0);
    }
    assertThat(evals.toString()).doesNotContain("sk-helicone-secret");
  }

  @Test
  void aServerErrorIsRetriedAndCountedAsAccepted() {
    server = server(503);
    Predict qa =
        Predict.of("question -> answer")
            .withLm(TestLms.builder(server.apiBase()).cache(false).build());
    var evals =
        HeliconeEvals.builder("sk-x").baseUrl(apiHost()).retries(2, Duration.ofMillis(10)).build();
    EvaluationResult r = Evaluate.of(devset(3), Metrics.answerExactMatch()).run(qa).block(WAIT);

    HeliconeEvals.Summary summary = evals.send(r, "answer_exact_match").block(WAIT);

    assertThat(summary).isEqualTo(new HeliconeEvals.Summary(3, 0, 0));
    assertThat(attempts.values()).allSatisfy(a -> assertThat(a.get()).isEqualTo(2));
  }

  @Test
  void aRejectedKeyFailsTheReportClearly() {
    server = server(401);
    Predict qa =
        Predict.of("question -> answer")
            .withLm(TestLms.builder(server.apiBase()).cache(false).build());
    var evals = HeliconeEvals.builder("sk-bad").baseUrl(apiHost()).build();
    assertThatThrownBy(
            () ->
                Evaluate.of(devset(2), Metrics.answerExactMatch())
                    .reportTo(evals)
                    .run(qa)
                    .block(WAIT))
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("HELICONE_API_KEY")
        .hasMessageNotContaining("sk-bad");
  }

  @Test
  void rowsWithoutARequestIdAreSkipped() {
    server = server(201);
    var evals = HeliconeEvals.builder("sk-x").baseUrl(apiHost()).build();
    EvaluationResult r =
        Evaluate.of(devset(2), Metrics.answerExactMatch())
            .run(in -> Mono.just(dev.dspy4j.core.predict.Prediction.of(Map.of("answer", "a0"))))
            .block(WAIT);
    assertThat(evals.send(r, "m").block(WAIT)).isEqualTo(new HeliconeEvals.Summary(0, 0, 2));
    assertThat(evalPosts).isEmpty();
  }

  @Test
  void aMissingKeyIsAConfigurationError() {
    assertThatThrownBy(() -> HeliconeEvals.builder(" "))
        .isInstanceOf(LmConfigurationException.class);
    assertThatThrownBy(() -> HeliconeEvals.builder("k").baseUrl("ftp://x"))
        .isInstanceOf(LmConfigurationException.class);
  }
}
