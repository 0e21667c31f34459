package dev.dspy4j.kafka.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * An OpenAI-compatible chat-completions endpoint on 127.0.0.1 (a free port) that answers a dspy4j
 * {@code question -> answer} call after a fixed delay with {@code answer to <question>}, and a 400
 * for a question containing {@code fail-me}. It counts requests and the most it served at once, and
 * keeps the Helicone headers of each request.
 */
public final class TestGateway implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** In the JSON body the newline after the field marker is the two characters {@code \\n}. */
  private static final Pattern QUESTION =
      Pattern.compile("\\[\\[ ## question ## \\]\\]\\\\n([^\"\\\\]*)");

  /** The Helicone headers of one request, and the question it asked. */
  public record Seen(String question, Map<String, String> helicone) {}

  private final DisposableServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

  private TestGateway(ToLongFunction<String> delayMillis) {
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes.post(
                        "/v1/chat/completions",
                        (req, res) ->
                            req.receive()
                                .aggregate()
                                .asString()
                                .flatMap(
                                    body -> {
                                      int now = current.incrementAndGet();
                                      peak.accumulateAndGet(now, Math::max);
                                      requests.incrementAndGet();
                                      String question = question(body);
                                      var helicone =
                                          new java.util.TreeMap<String, String>(
                                              String.CASE_INSENSITIVE_ORDER);
                                      req.requestHeaders()
                                          .forEach(
                                              h -> {
                                                if (h.getKey()
                                                    .toLowerCase(java.util.Locale.ROOT)
                                                    .startsWith("helicone-"))
                                                  helicone.put(h.getKey(), h.getValue());
                                              });
                                      seen.add(new Seen(question, Map.copyOf(helicone)));
                                      boolean fail = question.contains("fail-me");
                                      String json =
                                          fail
                                              ? "{\"error\":{\"message\":\"the test gateway refuses this question\",\"type\":\"invalid_request_error\"}}"
                                              : completion(
                                                  "[[ ## answer ## ]]\nanswer to "
                                                      + question
                                                      + "\n\n[[ ## completed ## ]]");
                                      // A request stops counting as concurrent before its
                                      // answer is written: a client at its limit can send the
                                      // next one only after reading this one, so the peak is
                                      // exact (counted after the write, a loaded machine saw
                                      // the next request arrive first: limit + 1).
                                      return later(req, delayMillis.applyAsLong(question))
                                          .doOnTerminate(current::decrementAndGet)
                                          .doOnCancel(current::decrementAndGet)
                                          .then(
                                              res.status(fail ? 400 : 200)
                                                  .header("Content-Type", "application/json")
                                                  .sendString(Mono.just(json))
                                                  .then());
                                    })))
            .bindNow(Duration.ofSeconds(30));
  }

  /**
   * Completes after {@code millis} on the connection's own event loop: no timer thread, and the
   * answer is written from the thread that owns the connection (cheaper than {@code Mono.delay} on
   * the parallel scheduler, which the runners' CPU shares).
   */
  private static Mono<Void> later(HttpServerRequest req, long millis) {
    return Mono.create(
        sink ->
            req.withConnection(
                c -> {
                  var timer =
                      c.channel()
                          .eventLoop()
                          .schedule(() -> sink.success(), millis, TimeUnit.MILLISECONDS);
                  sink.onCancel(() -> timer.cancel(false));
                }));
  }

  /** A gateway answering every question after {@code delay}. */
  public static TestGateway start(Duration delay) {
    return new TestGateway(q -> delay.toMillis());
  }

  /** A gateway answering after a delay chosen per question. */
  public static TestGateway start(ToLongFunction<String> delayMillis) {
    return new TestGateway(delayMillis);
  }

  /**
   * The question in the last user message (read from the raw JSON: cheap, the tests push
   * thousands).
   */
  private static String question(String body) {
    Matcher m = QUESTION.matcher(body);
    String last = "?";
    while (m.find()) last = m.group(1);
    return last;
  }

  private static String completion(String content) {
    try {
      return "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":"
          + MAPPER.writeValueAsString(content)
          + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The apiBase for an LM talking to this gateway. */
  public String apiBase() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** The most requests being answered at once so far. */
  public int peakConcurrentRequests() {
    return peak.get();
  }

  /** The question and Helicone headers of every request so far. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
