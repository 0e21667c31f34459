package dev.dspy4j.redis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * An OpenAI-compatible chat-completions endpoint on loopback (real HTTP, Reactor Netty) that counts
 * the requests it receives and answers each after a delay with a text derived from the last
 * message: {@code "answer to: <content>"} (padded with {@code padding} characters when set).
 */
public final class Gateway implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final AtomicInteger requests = new AtomicInteger();
  private final LoopbackServer server;
  private volatile Duration delay;
  private volatile int padding;

  private Gateway(Duration delay) {
    this.delay = delay;
    this.server =
        LoopbackServer.start(
            (request, response) ->
                request
                    .receive()
                    .aggregate()
                    .asString(StandardCharsets.UTF_8)
                    .flatMap(
                        body -> {
                          requests.incrementAndGet();
                          String answer;
                          boolean stream;
                          try {
                            JsonNode json = MAPPER.readTree(body);
                            JsonNode messages = json.path("messages");
                            answer =
                                "answer to: "
                                    + messages.path(messages.size() - 1).path("content").asText()
                                    + "x".repeat(padding);
                            stream = json.path("stream").asBoolean(false);
                          } catch (Exception e) {
                            return response.status(400).sendString(Mono.just("bad json")).then();
                          }
                          String payload = stream ? Sse.stream(answer) : Sse.completion(answer);
                          return Mono.delay(this.delay)
                              .then(
                                  response
                                      .header(
                                          "Content-Type",
                                          stream ? "text/event-stream" : "application/json")
                                      .sendString(Mono.just(payload))
                                      .then());
                        }));
  }

  /** A gateway answering after {@code delay}. */
  public static Gateway start(Duration delay) {
    return new Gateway(delay);
  }

  /** The apiBase for an LM. */
  public String apiBase() {
    return server.apiBase();
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** Adds {@code characters} 'x's to every answer from now on. */
  public void padAnswers(int characters) {
    this.padding = characters;
  }

  public void delay(Duration delay) {
    this.delay = delay;
  }

  @Override
  public void close() {
    server.close();
  }
}
