package dev.dspy4j.bench.dspy4j;

import dev.dspy4j.bench.harness.ClientConfig;
import dev.dspy4j.bench.harness.Harness;
import dev.dspy4j.bench.harness.StreamClient;
import dev.dspy4j.bench.harness.StreamListener;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.streaming.LM;
import java.util.List;
import java.util.Map;
import reactor.netty.resources.ConnectionProvider;

/**
 * dspy4j under test. Mode {@code stream}: {@code LM.stream} (one {@code onToken} per non-empty
 * {@code LmChunk.text()}). Mode {@code cot}: {@code ChainOfThought("question -> answer").stream}
 * end to end (format, stream, field split, parse); a stream counts as complete only if its {@code
 * Done} prediction parsed the answer the server scripted ({@code 42}).
 *
 * <p>Fair settings: retries off, the response cache off on the LM and on the module (the prompt is
 * the same every time, and DSPy's LM caches by default; a cache hit would not be a stream),
 * connect, first-byte and idle timeouts at the harness's generous timeout, and a connection pool
 * sized to the scenario's concurrency like every other client's (the LM's default shared pool holds
 * 500). The LM's HTTP client is otherwise its default: Reactor Netty's shared event loops,
 * HTTP/1.1.
 */
public final class Dspy4jClient implements StreamClient {

  private static final String SCRIPTED_ANSWER = "42";

  private final ConnectionProvider pool;
  private final LM lm;
  private final boolean cot;
  private final LmRequest request;
  private final ChainOfThought program;

  Dspy4jClient(ClientConfig c) {
    this.cot = "cot".equals(c.mode());
    if (!cot) {
      c.requireStreamMode("dspy4j");
    }
    this.pool =
        ConnectionProvider.builder("bench-dspy4j")
            .maxConnections(c.maxConcurrency())
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(c.timeout())
            .build();
    this.lm =
        LM.builder(c.model())
            .apiKey(c.apiKey())
            .apiBase(c.baseUrl())
            .numRetries(0)
            .cache(false)
            .connectTimeout(c.timeout())
            .firstByteTimeout(c.timeout())
            .idleTimeout(c.timeout())
            .connectionProvider(pool)
            .build();
    this.request = LmRequest.of(List.of(Message.user(Harness.PROMPT)));
    this.program = ChainOfThought.of("question -> answer").withLm(lm).withCache(false);
  }

  @Override
  public void start(String prompt, StreamListener listener) {
    if (!cot) {
      lm.stream(request)
          .subscribe(
              chunk -> {
                if (!chunk.text().isEmpty()) {
                  listener.onToken();
                }
              },
              listener::onError,
              listener::onComplete);
      return;
    }
    boolean[] answered = new boolean[1];
    program.stream(Map.of("question", prompt))
        .subscribe(
            event -> {
              if (event instanceof StreamEvent.FieldChunk f && !f.text().isEmpty()) {
                listener.onToken();
              } else if (event instanceof StreamEvent.Done d) {
                answered[0] = SCRIPTED_ANSWER.equals(d.prediction().get("answer").strip());
              }
            },
            listener::onError,
            () -> {
              if (answered[0]) {
                listener.onComplete();
              } else {
                listener.onError(
                    new IllegalStateException("ChainOfThought did not parse answer 42"));
              }
            });
  }

  @Override
  public boolean countsTokens() {
    // Field chunks are not one per server delta; the cot mode checks the parsed answer instead.
    return !cot;
  }

  @Override
  public void close() {
    // LM has no close in its API; the pool it was given is the bench's to dispose.
    pool.dispose();
  }

  /** Client JVM entry point; see {@link Harness}. */
  public static void main(String[] args) {
    Harness.run(args, Dspy4jClient::new);
  }
}
