package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

class LmCompleteTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private void enqueueCompletion(String... texts) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("Helicone-Id", "hc-123")
            .body(Sse.completion(texts))
            .build());
  }

  private RecordedRequest takeRequest() throws InterruptedException {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the server").isNotNull();
    return r;
  }

  private static JsonNode body(RecordedRequest r) throws Exception {
    return MAPPER.readTree(r.getBody().utf8());
  }

  @Test
  void completePostsTheChatRequestAndParsesTheResponse() throws Exception {
    enqueueCompletion("Hello there");
    LM lm = TestLms.builder(server).temperature(0.3).maxTokens(200).build();

    StepVerifier.create(
            lm.complete(LmRequest.of(List.of(Message.system("Be brief."), Message.user("Hi")))))
        .assertNext(
            r -> {
              assertThat(r.texts()).containsExactly("Hello there");
              assertThat(r.usage()).isEqualTo(new Usage(7, 3, 10));
              assertThat(r.finishReason()).contains("stop");
              assertThat(r.requestId()).contains("hc-123");
              assertThat(r.model()).contains("gpt-4o-mini");
            })
        .expectComplete()
        .verify(WAIT);

    RecordedRequest r = takeRequest();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TestLms.API_KEY);
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode body = body(r);
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.get("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]");
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(200);
    assertThat(body.has("stream")).isFalse();
  }

  @Test
  void perCallValuesOverrideTheLmDefaults() throws Exception {
    enqueueCompletion("ok");
    LM lm =
        TestLms.builder(server)
            .temperature(0.2)
            .maxTokens(100)
            .header("X-Env", "lm")
            .header("X-Lm-Only", "1")
            .extraBody(Map.of("a", 1, "b", 1))
            .build();
    LmRequest call =
        LmRequest.builder(List.of(Message.user("q")))
            .temperature(0.9)
            .n(1)
            .stop(List.of("END"))
            .header("x-env", "call")
            .extraBody(Map.of("b", 2))
            .responseFormat(Map.of("type", "json_object"))
            .build();

    StepVerifier.create(lm.complete(call)).expectNextCount(1).expectComplete().verify(WAIT);

    RecordedRequest r = takeRequest();
    JsonNode body = body(r);
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.9);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
    assertThat(body.get("a").asInt()).isEqualTo(1);
    assertThat(body.get("b").asInt()).isEqualTo(2);
    assertThat(body.get("stop").toString()).isEqualTo("[\"END\"]");
    assertThat(body.get("response_format").get("type").asText()).isEqualTo("json_object");
    assertThat(r.getHeaders().values("X-Env")).containsExactly("call");
    assertThat(r.getHeaders().get("X-Lm-Only")).isEqualTo("1");
  }

  @Test
  void callReturnsOneStringPerChoice() throws Exception {
    enqueueCompletion("first", "second");
    LM lm = TestLms.builder(server).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("two please").withN(2)).map(r -> r.texts()))
        .expectNext(List.of("first", "second"))
        .expectComplete()
        .verify(WAIT);
    assertThat(body(takeRequest()).get("n").asInt()).isEqualTo(2);

    enqueueCompletion("Hello, world!");
    StepVerifier.create(lm.call("Hello, world!"))
        .expectNext(List.of("Hello, world!"))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aTrailingSlashOnApiBaseIsIgnored() throws Exception {
    enqueueCompletion("ok");
    LM lm = TestLms.builder(server.url("/v1//").toString()).build();
    StepVerifier.create(lm.call("x")).expectNextCount(1).expectComplete().verify(WAIT);
    assertThat(takeRequest().getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void reasoningModelsGetMaxCompletionTokens() throws Exception {
    enqueueCompletion("thought");
    LM lm =
        TestLms.builder(server).model("o4-mini/openai").maxTokens(20_000).temperature(1.0).build();
    StepVerifier.create(lm.call("x")).expectNextCount(1).expectComplete().verify(WAIT);
    JsonNode body = body(takeRequest());
    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(20_000);
    assertThat(body.has("max_tokens")).isFalse();
  }

  @Test
  void aMisconfiguredReasoningLmFailsAtBuild() {
    assertThatThrownBy(() -> LM.builder("gpt-5").temperature(0.7).build())
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("temperature 1.0");
    assertThatThrownBy(() -> LM.builder("o3/openai").maxTokens(1000).build())
        .isInstanceOf(LmConfigurationException.class)
        .hasMessageContaining("16000");
    assertThat(LM.builder("gpt-5-chat").temperature(0.7).maxTokens(100).build().temperature())
        .hasValue(0.7);
  }

  @Test
  void aPerCallReasoningOverrideIsAnErrorSignalAndSendsNothing() {
    LM lm = TestLms.builder(server).model("o1").build();
    StepVerifier.create(lm.complete(LmRequest.ofUser("x").withTemperature(0.5)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(LmConfigurationException.class)
                    .hasMessageContaining("o1"))
        .verify(WAIT);
    StepVerifier.create(lm.stream(LmRequest.ofUser("x").withMaxTokens(100)))
        .expectError(LmConfigurationException.class)
        .verify(WAIT);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anIllegalPerCallHeaderIsRefusedLikeAnLmHeaderAndSendsNothing() {
    assertThatThrownBy(() -> LmRequest.ofUser("x").withHeader("X-Bad", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Bad")
        .hasMessageContaining("CR, LF")
        .hasMessageNotContaining("Injected");
    assertThat(server.getRequestCount()).isZero();
    assertThatThrownBy(() -> LM.builder("m").header("X-Bad", "a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingIsSentUntilSubscription() throws Exception {
    LM lm = TestLms.builder(server).build();
    lm.complete(LmRequest.ofUser("lazy"));
    lm.stream(LmRequest.ofUser("lazy"));
    Thread.sleep(200);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aCustomHttpClientIsUsedWithTheLmTimeoutsOnTop() throws Exception {
    enqueueCompletion("via custom client");
    HttpClient custom = HttpClient.create().headers(h -> h.set("X-Custom-Client", "yes"));
    LM lm = TestLms.builder(server).httpClient(custom).build();
    StepVerifier.create(lm.call("x"))
        .expectNext(List.of("via custom client"))
        .expectComplete()
        .verify(WAIT);
    assertThat(takeRequest().getHeaders().get("X-Custom-Client")).isEqualTo("yes");
  }

  @Test
  void toStringNeverShowsTheKeyOrHeaderValues() {
    LM lm = TestLms.builder(server).header("Helicone-Auth", "Bearer hidden-value").build();
    assertThat(lm.toString())
        .contains("gpt-4o-mini")
        .contains("Helicone-Auth")
        .doesNotContain(TestLms.API_KEY)
        .doesNotContain("hidden-value");
  }

  @Test
  void withVariantsAreCopiesThatLeaveTheOriginalAlone() {
    LM lm = TestLms.builder(server).temperature(0.1).build();
    LM hot = lm.withTemperature(1.0);
    assertThat(hot.temperature()).hasValue(1.0);
    assertThat(lm.temperature()).hasValue(0.1);
    assertThat(lm.cache()).isFalse(); // TestLms switches the cache off
    assertThat(lm.withCache(true).cache()).isTrue();
    assertThat(lm.cache()).isFalse();
    assertThat(lm.withNumRetries(0).numRetries()).isZero();
    assertThat(lm.numRetries()).isEqualTo(3);
  }
}
