package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The page server over real HTTP, without a browser. */
class StreamingWebServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private StreamingWebServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url()).resolve(path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void servesThePage() throws Exception {
    server = StreamingWebServer.start(new SlowAnswerStream(Duration.ofMillis(1), 0));
    var response = get("/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
    assertThat(response.body())
        .contains("<title>dspy4j")
        .contains("new EventSource('/stream?question='");
  }

  @Test
  void streamsTheModulesEventsForTheQuestion() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(1), 0);
    server = StreamingWebServer.start(module);
    String question = "What is DSPy? (ünïcode & more)";

    var response = get("/stream?question=" + URLEncoder.encode(question, StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(response.body()).contains("event: field").contains("event: done");
    assertThat(response.body()).contains(SlowAnswerStream.answer(question).substring(0, 20));
    assertThat(module.completions).hasValue(1);
  }

  @Test
  void aFailingModuleBecomesAnErrorEvent() throws Exception {
    server =
        StreamingWebServer.start(
            q -> {
              throw new IllegalStateException("no LM configured");
            });
    var body = get("/stream?question=hi").body();
    assertThat(body).contains("event: error").contains("no LM configured");
    server.close();
    server = StreamingWebServer.start(q -> Flux.error(new IllegalStateException("gateway down")));
    assertThat(get("/stream?question=hi").body()).contains("event: error").contains("gateway down");
  }

  @Test
  void aMissingOrHugeQuestionIsABadRequest() throws Exception {
    server = StreamingWebServer.start(new SlowAnswerStream(Duration.ofMillis(1), 0));
    assertThat(get("/stream").statusCode()).isEqualTo(400);
    assertThat(get("/stream?question=%20").body()).contains("missing query parameter 'question'");
    assertThat(
            get("/stream?question=" + "x".repeat(StreamingWebServer.MAX_QUESTION_LENGTH + 1))
                .statusCode())
        .isEqualTo(400);
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void answersInDspysStreamingResponseFormat() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(1), 0);
    server = StreamingWebServer.start(module);
    String question = "What is DSPy?";

    var response =
        get("/dspy/stream?question=" + URLEncoder.encode(question, StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("data: {\"chunk\":{")
        .endsWith("data: [DONE]\n\n")
        .contains("data: {\"prediction\":{")
        .doesNotContain("event:");
    assertThat(module.completions).hasValue(1);
  }

  @Test
  void theAiSdkChatEndpointAnswersTheLastUserMessage() throws Exception {
    var module = new SlowAnswerStream(Duration.ofMillis(1), 0);
    server = StreamingWebServer.start(module);
    String body =
        "{\"id\":\"c\",\"trigger\":\"submit-message\",\"messages\":["
            + "{\"id\":\"1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"first\"}]},"
            + "{\"id\":\"2\",\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"text\":\"an answer\"}]},"
            + "{\"id\":\"3\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"Why?\"}]}]}";

    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "api/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
    assertThat(response.body())
        .contains("\"type\":\"text-delta\"")
        .endsWith("data: [DONE]\n\n")
        .contains(SlowAnswerStream.answer("Why?").substring(0, 20).replace("\"", "\\\""));

    String huge = body.replace("Why?", "x".repeat(StreamingWebServer.MAX_QUESTION_LENGTH + 1));
    var tooLong =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "api/chat"))
                .POST(HttpRequest.BodyPublishers.ofString(huge))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("longer than");
    assertThat(module.completions).hasValue(1);
  }

  @Test
  void servesTheChatPageWithTheAiSdkVersionTheTestsPin() throws Exception {
    server = StreamingWebServer.start(new SlowAnswerStream(Duration.ofMillis(1), 0));
    var response = get("/chat");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"ai\": \"" + StreamingWebServer.AI_SDK_CDN + "\"")
        .contains("from 'ai'")
        .contains("new DefaultChatTransport({ api: '/api/chat' })");
    assertThat(get("/ai-sdk/ai.js").statusCode()).as("no local bundle configured").isEqualTo(404);

    var lock =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(java.nio.file.Path.of("src/test/node/package-lock.json").toFile());
    String pinned = lock.at("/packages/node_modules~1ai/version").asText();
    assertThat(pinned).isNotEmpty();
    assertThat(StreamingWebServer.AI_SDK_CDN).endsWith("/ai@" + pinned);
  }
}
