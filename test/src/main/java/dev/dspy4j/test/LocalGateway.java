package dev.dspy4j.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A local stand-in for the Helicone AI Gateway, for tests of programs built on dspy4j and for
 * running the examples offline: NOT the real gateway and no model behind it. A Reactor Netty server
 * on a free loopback port that speaks the same OpenAI-compatible protocol ({@code POST
 * /v1/chat/completions}, JSON or SSE with a role chunk, content chunks, a usage chunk with empty
 * {@code choices}, and {@code [DONE]}), answers DSPy-formatted prompts with deterministic text,
 * records every request for tests, prints the Helicone headers it received (credentials masked),
 * and sends Helicone-like response headers.
 *
 * <pre>{@code
 * try (LocalGateway gateway = LocalGateway.start()) {
 *   LM lm = LM.builder("gpt-4o-mini").apiBase(gateway.baseUrl()).build();
 *   ...
 *   gateway.lastRequest().orElseThrow().header("Helicone-User-Id");
 * }
 * }</pre>
 *
 * <p>{@link LocalGatewayMain} runs one from the command line.
 */
public final class LocalGateway implements AutoCloseable {

  /** The response header that says an answer came from this stand-in. */
  public static final String LOCAL_HEADER = "X-Dspy4j-Local-Gateway";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RECORDED = 10_000;
  private static final Pattern UUID_PATTERN =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern RATE_LIMIT_POLICY =
      Pattern.compile("(\\d+);w=(\\d+)(;u=(request|cents))?(;s=([A-Za-z0-9_-]+))?");

  private final Duration tokenDelay;
  private final PrintStream log;
  private final DisposableServer server;
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicInteger cancelledStreams = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
  private final Set<String> cachedBodies = new HashSet<>();
  private final Map<String, Integer> rateLimitCounts = new HashMap<>();

  private LocalGateway(Builder builder) {
    this.tokenDelay = builder.tokenDelay;
    this.log = builder.log;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(builder.port)
            .route(
                routes ->
                    routes
                        .post("/v1/chat/completions", this::chatCompletions)
                        .post("/chat/completions", this::chatCompletions)
                        .route(request -> true, this::notFound))
            .bindNow(Duration.ofSeconds(30));
  }

  /** A gateway on a free loopback port, printing to standard output, without token delay. */
  public static LocalGateway start() {
    return builder().start();
  }

  /** Options for a gateway: port, token delay, where to print. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL to configure as the LM's {@code apiBase}: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  /** The loopback port the gateway listens on. */
  public int port() {
    return server.port();
  }

  /** The requests received so far (at most the last 10,000), oldest first. */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** The most recent request, if any. */
  public Optional<RecordedRequest> lastRequest() {
    synchronized (recorded) {
      return Optional.ofNullable(recorded.peekLast());
    }
  }

  /**
   * How many streamed responses the client closed before {@code [DONE]} (a cancelled LM stream
   * closes its HTTP exchange, and this is where that is seen).
   */
  public int cancelledStreams() {
    return cancelledStreams.get();
  }

  /**
   * The most chat completion requests this gateway was answering at the same time (since start or
   * {@link #reset()}): how a client's concurrency bound is seen from the server side.
   */
  public int peakConcurrentRequests() {
    return peakInFlight.get();
  }

  /**
   * Forgets the recorded requests, the gateway-side cache, the rate-limit, cancel and concurrency
   * counters.
   */
  public void reset() {
    cancelledStreams.set(0);
    peakInFlight.set(inFlight.get());
    synchronized (recorded) {
      recorded.clear();
      cachedBodies.clear();
      rateLimitCounts.clear();
    }
  }

  /** Completes when the gateway has been closed. */
  public Mono<Void> onClose() {
    return server.onDispose();
  }

  /** Stops the server and closes its port. */
  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(10));
  }

  private Publisher<Void> notFound(HttpServerRequest request, HttpServerResponse response) {
    return response
        .status(HttpResponseStatus.NOT_FOUND)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(LOCAL_HEADER, "true")
        .sendString(
            Mono.just(
                errorJson(
                    "the local gateway only serves POST /v1/chat/completions (got "
                        + request.method()
                        + " "
                        + request.uri()
                        + ")",
                    "invalid_request_error")));
  }

  private Publisher<Void> chatCompletions(HttpServerRequest request, HttpServerResponse response) {
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              return Mono.from(respond(request, response, body))
                  .doFinally(signal -> inFlight.decrementAndGet());
            });
  }

  private Publisher<Void> respond(
      HttpServerRequest request, HttpServerResponse response, String body) {
    var headers = new ArrayList<Map.Entry<String, String>>();
    request
        .requestHeaders()
        .forEach(
            h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
    var recordedRequest =
        new RecordedRequest(
            sequence.incrementAndGet(), request.method().name(), request.uri(), headers, body);

    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (Exception e) {
      json = null;
    }
    List<String> notes = new ArrayList<>();
    response.header(LOCAL_HEADER, "true");
    String heliconeId = UUID.randomUUID().toString();
    response.header("Helicone-Id", heliconeId);
    response.header(
        "Helicone-Request-Id",
        recordedRequest
            .header("Helicone-Request-Id")
            .filter(id -> UUID_PATTERN.matcher(id).matches())
            .orElse(heliconeId));

    boolean rateLimited;
    synchronized (recorded) {
      if (recorded.size() == MAX_RECORDED) {
        recorded.removeFirst();
      }
      recorded.addLast(recordedRequest);
      boolean cacheEnabled =
          recordedRequest
              .header("Helicone-Cache-Enabled")
              .filter("true"::equalsIgnoreCase)
              .isPresent();
      boolean hit = cacheEnabled && !cachedBodies.add(body);
      response.header("Helicone-Cache", hit ? "HIT" : "MISS");
      rateLimited = applyRateLimit(recordedRequest, response, notes);
    }
    printLine(recordedRequest, json, notes);

    if (rateLimited) {
      return sendError(
          response,
          HttpResponseStatus.TOO_MANY_REQUESTS,
          "rate limited by Helicone-RateLimit-Policy (local gateway)",
          "rate_limited");
    }
    if (json == null || !json.isObject()) {
      return sendError(
          response,
          HttpResponseStatus.BAD_REQUEST,
          "request body is not a JSON object",
          "invalid_request_error");
    }
    if (!json.path("model").isTextual() || json.path("model").asText().isBlank()) {
      return sendError(
          response, HttpResponseStatus.BAD_REQUEST, "'model' is required", "invalid_request_error");
    }
    JsonNode messages = json.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return sendError(
          response,
          HttpResponseStatus.BAD_REQUEST,
          "'messages' must be a non-empty array",
          "invalid_request_error");
    }

    String model = json.path("model").asText();
    int n = Math.max(1, json.path("n").asInt(1));
    int maxTokens =
        json.path("max_completion_tokens").asInt(json.path("max_tokens").asInt(Integer.MAX_VALUE));
    List<String> tokens = LocalAnswers.tokens(LocalAnswers.reply(messages));
    String finishReason = tokens.size() > maxTokens ? "length" : "stop";
    if (tokens.size() > maxTokens) {
      tokens = tokens.subList(0, Math.max(0, maxTokens));
    }
    var usage = JSON.createObjectNode();
    int promptTokens = Math.max(1, messages.toString().length() / 4);
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", tokens.size() * n);
    usage.put("total_tokens", promptTokens + tokens.size() * n);
    String id = "chatcmpl-local-" + recordedRequest.sequence();

    if (json.path("stream").asBoolean(false)) {
      return response
          .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
          .send(
              reactor.netty.ByteBufFlux.fromString(
                  streamEvents(id, model, n, tokens, finishReason, usage)
                      .doOnCancel(
                          () -> {
                            cancelledStreams.incrementAndGet();
                            log.println(
                                "[local gateway] #"
                                    + recordedRequest.sequence()
                                    + " stream closed by the client before [DONE]");
                          }),
                  StandardCharsets.UTF_8,
                  response.alloc()),
              buf -> true);
    }
    String text = String.join("", tokens);
    ObjectNode completion = JSON.createObjectNode();
    completion
        .put("id", id)
        .put("object", "chat.completion")
        .put("created", created())
        .put("model", model);
    ArrayNode choices = completion.putArray("choices");
    for (int i = 0; i < n; i++) {
      ObjectNode choice = choices.addObject().put("index", i);
      choice.putObject("message").put("role", "assistant").put("content", text);
      choice.put("finish_reason", finishReason);
    }
    completion.set("usage", usage);
    // A non-streamed answer arrives when its last token would have been generated.
    Mono<String> answer = Mono.just(completion.toString());
    if (!tokenDelay.isZero()) {
      answer = answer.delayElement(tokenDelay.multipliedBy(tokens.size()));
    }
    return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json").sendString(answer);
  }

  private Flux<String> streamEvents(
      String id, String model, int n, List<String> tokens, String finishReason, ObjectNode usage) {
    Flux<String> chunks =
        Flux.range(0, n)
            .concatMap(
                index ->
                    Flux.concat(
                        Mono.fromSupplier(
                            () ->
                                chunk(
                                    id,
                                    model,
                                    index,
                                    delta -> delta.put("role", "assistant").put("content", ""),
                                    null)),
                        Flux.fromIterable(tokens)
                            .map(
                                t ->
                                    chunk(
                                        id, model, index, delta -> delta.put("content", t), null)),
                        Mono.fromSupplier(
                            () -> chunk(id, model, index, delta -> {}, finishReason))));
    if (!tokenDelay.isZero()) {
      chunks = chunks.delayElements(tokenDelay);
    }
    ObjectNode usageChunk = JSON.createObjectNode();
    usageChunk
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created())
        .put("model", model);
    usageChunk.putArray("choices");
    usageChunk.set("usage", usage);
    return chunks
        .concatWithValues(usageChunk.toString(), "[DONE]")
        .map(data -> "data: " + data + "\n\n");
  }

  private static String chunk(
      String id,
      String model,
      int index,
      java.util.function.Consumer<ObjectNode> delta,
      String finishReason) {
    ObjectNode chunk = JSON.createObjectNode();
    chunk
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created())
        .put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
    delta.accept(choice.putObject("delta"));
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk.toString();
  }

  private static long created() {
    return System.currentTimeMillis() / 1000;
  }

  // Mirrors the real gateway's headers; also says out loud what the real gateway would silently
  // ignore.
  private boolean applyRateLimit(
      RecordedRequest request, HttpServerResponse response, List<String> notes) {
    if (request.header("Helicone-Rate-Limit-Policy").isPresent()) {
      notes.add(
          "'Helicone-Rate-Limit-Policy' is not a Helicone header (the gateway ignores it; it is 'Helicone-RateLimit-Policy')");
    }
    Optional<String> policy = request.header("Helicone-RateLimit-Policy");
    if (policy.isEmpty()) {
      return false;
    }
    var m = RATE_LIMIT_POLICY.matcher(policy.get());
    if (!m.matches()) {
      notes.add(
          "policy '"
              + policy.get()
              + "' does not parse: the real gateway ignores it and does not limit");
      return false;
    }
    int quota = Integer.parseInt(m.group(1));
    String segment =
        m.group(6) == null
            ? ""
            : m.group(6).equals("user")
                ? request.header("Helicone-User-Id").orElse("")
                : request.header("Helicone-Property-" + m.group(6)).orElse("");
    int used = rateLimitCounts.merge(policy.get() + "|" + segment, 1, Integer::sum);
    response.header("Helicone-RateLimit-Limit", Integer.toString(quota));
    response.header("Helicone-RateLimit-Remaining", Integer.toString(Math.max(0, quota - used)));
    response.header("Helicone-RateLimit-Policy", policy.get());
    if (used > quota) {
      response.header("X-Helicone-Error", "rate_limited");
      return true;
    }
    return false;
  }

  private static Mono<Void> sendError(
      HttpServerResponse response, HttpResponseStatus status, String message, String type) {
    return response
        .status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .sendString(Mono.just(errorJson(message, type)))
        .then();
  }

  private static String errorJson(String message, String type) {
    ObjectNode error = JSON.createObjectNode();
    error
        .putObject("error")
        .put("message", message)
        .put("type", type)
        .putNull("param")
        .put("code", type);
    return error.toString();
  }

  private void printLine(RecordedRequest request, JsonNode json, List<String> notes) {
    var line =
        new StringBuilder("[local gateway] #")
            .append(request.sequence())
            .append(' ')
            .append(request.method())
            .append(' ')
            .append(request.path());
    if (json != null && json.isObject()) {
      line.append(json.path("stream").asBoolean(false) ? " (stream)" : "");
      line.append(" model=").append(json.path("model").asText("?"));
    }
    line.append(" | ")
        .append(
            request
                .header("Authorization")
                .map(v -> "Authorization: " + RecordedRequest.displayValue("Authorization", v))
                .orElse("no Authorization"));
    request
        .heliconeHeaders()
        .forEach(
            (name, value) ->
                line.append(" | ")
                    .append(name)
                    .append(": ")
                    .append(RecordedRequest.displayValue(name, value)));
    if (request.heliconeHeaders().isEmpty()) {
      line.append(" | no Helicone-* headers");
    }
    if (json != null && json.isObject()) {
      List<String> extra = new ArrayList<>();
      json.fieldNames()
          .forEachRemaining(
              f -> {
                if (!STANDARD_BODY_FIELDS.contains(f)) extra.add(f + "=" + json.get(f));
              });
      if (!extra.isEmpty()) {
        line.append(" | body: ").append(String.join(", ", extra));
      }
    }
    for (String note : notes) {
      line.append(" | NOTE: ").append(note);
    }
    log.println(line);
  }

  private static final Set<String> STANDARD_BODY_FIELDS =
      Set.of(
          "model",
          "messages",
          "stream",
          "stream_options",
          "temperature",
          "max_tokens",
          "max_completion_tokens",
          "n",
          "top_p",
          "stop",
          "response_format",
          "seed",
          "user",
          "presence_penalty",
          "frequency_penalty",
          "logprobs",
          "top_logprobs",
          "tools",
          "tool_choice");

  /** Options for a {@link LocalGateway}. */
  public static final class Builder {
    private int port = 0;
    private Duration tokenDelay = Duration.ZERO;
    private PrintStream log = System.out;

    private Builder() {}

    /** Listen on this loopback port (0, the default, picks a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535 (got " + port + ")");
      }
      this.port = port;
      return this;
    }

    /**
     * Wait this long before each streamed chunk, and a non-streamed answer this long per token, as
     * a model generating it would, so streaming and batch demos are visible (default none).
     */
    public Builder tokenDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("token delay must not be negative (got " + delay + ")");
      }
      this.tokenDelay = delay;
      return this;
    }

    /** Print one line per request here (default standard output). */
    public Builder log(PrintStream log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Binds the server and returns the running gateway. */
    public LocalGateway start() {
      return new LocalGateway(this);
    }
  }

  @Override
  public String toString() {
    return "LocalGateway[" + baseUrl() + ", a local stand-in for the Helicone AI Gateway]";
  }
}
