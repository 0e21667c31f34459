package dev.dspy4j.test;

import dev.dspy4j.core.adapter.FieldValues;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.LmHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A scripted {@link LanguageModel} for tests, like {@code dspy.utils.DummyLM}. Answers come in
 * sequence (each call takes the next one) or by matching: the first rule whose key occurs in the
 * last message's text answers. An answer is given as output field values, which DummyLM formats
 * with ChatAdapter markers ({@code [[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]}), as JSON
 * (like a JSON-adapter reply), as raw text, or as an error to raise.
 *
 * <p>It records every request, streams an answer as small tokens ({@link Builder#tokenSize}), can
 * replay answers as cache hits, and counts cancelled streams. Thread-safe.
 *
 * <p>Like the real {@code LM}, it is an {@link LmChain} over a transport (here the script), so its
 * calls are recorded in {@link #history()} and into the Context's usage trackers the same way. Two
 * defaults differ from the real LM: the cache is off (as DSPy's {@code DummyLM} bypasses the cache,
 * so a test's answers never come from an earlier test; {@link Builder#cache} or a request's own
 * {@code cache(true)} turns it on), and a scripted error is not retried ({@link Builder#retry}).
 *
 * <pre>{@code
 * DummyLM lm = DummyLM.of(List.of(Map.of("answer", "Paris")));
 * Predict.of("question -> answer").withLm(lm).call(Map.of("question", "Capital of France?"));
 * }</pre>
 */
public final class DummyLM implements LanguageModel {

  /** One scripted answer. */
  public sealed interface Answer {
    /** Output field values, formatted with ChatAdapter markers. */
    record Fields(Map<String, Object> values) implements Answer {}

    /** Output field values as a JSON object, as a JSON-adapter reply. */
    record Json(Map<String, Object> values) implements Answer {}

    /** The exact text to answer. */
    record Text(String text) implements Answer {}

    /** An error to signal instead of answering. */
    record Failure(RuntimeException error) implements Answer {}
  }

  private final List<Answer> sequence;
  private final Map<String, Answer> rules;
  private final int tokenSize;
  private final boolean cacheHit;
  private final Usage usage;
  private final String model;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger cancellations = new AtomicInteger();
  private final List<LmRequest> requests = new CopyOnWriteArrayList<>();
  private final LmChain chain;

  private DummyLM(Builder b) {
    this.sequence = List.copyOf(b.sequence);
    this.rules = new LinkedHashMap<>(b.rules);
    this.tokenSize = b.tokenSize;
    this.cacheHit = b.cacheHit;
    this.usage = b.usage;
    this.model = b.model;
    this.chain =
        LmChain.builder(new Script()).cache(b.cache).history(b.history).retry(b.retry).build();
  }

  /** Answers these output field values in sequence, one per call (and per choice). */
  public static DummyLM of(List<? extends Map<String, ?>> answers) {
    var b = builder();
    answers.forEach(b::answer);
    return b.build();
  }

  /** Answers these exact texts in sequence. */
  public static DummyLM ofTexts(String... texts) {
    var b = builder();
    for (String t : texts) b.text(t);
    return b.build();
  }

  /**
   * Answers by matching: for each call, the first key contained in the last message's text picks
   * the output field values.
   */
  public static DummyLM byInput(Map<String, ? extends Map<String, ?>> answers) {
    var b = builder();
    answers.forEach(b::when);
    return b.build();
  }

  /** A builder for scripts mixing fields, JSON, texts, errors and matching rules. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How DummyLM writes output field values in ChatAdapter format: a {@code [[ ## name ## ]]}
   * section per field (values as DSPy renders them), then {@code [[ ## completed ## ]]}.
   */
  public static String chatFormat(Map<String, ?> values) {
    return values.entrySet().stream()
            .map(e -> "[[ ## " + e.getKey() + " ## ]]\n" + FieldValues.format(e.getValue()))
            .collect(Collectors.joining("\n\n"))
        + "\n\n[[ ## completed ## ]]";
  }

  @Override
  public String model() {
    return model;
  }

  /** Every request received, in order. */
  public List<LmRequest> requests() {
    return List.copyOf(requests);
  }

  /** The last request received. */
  public LmRequest lastRequest() {
    if (requests.isEmpty()) throw new IllegalStateException("DummyLM has received no request");
    return requests.get(requests.size() - 1);
  }

  /** The calls this DummyLM answered, most recent last (as the real LM's history). */
  public LmHistory history() {
    return chain.history();
  }

  /** How many streams were cancelled by their subscriber before they completed. */
  public int cancellations() {
    return cancellations.get();
  }

  /** Emits one response with a text per choice; errors with a scripted {@link Answer.Failure}. */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    return chain.complete(request);
  }

  /**
   * Streams each choice as tokens of {@code tokenSize} characters (a single {@link
   * LmChunk#cacheReplay} chunk per choice when replaying cache hits), a finish chunk, and a usage
   * chunk. Cancelling is counted in {@link #cancellations()}.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    return chain.stream(request);
  }

  /** The script as the send step of the chain. */
  private final class Script implements LmTransport {
    @Override
    public String model() {
      return model;
    }

    @Override
    public Mono<LmResponse> send(LmRequest request) {
      return Mono.fromCallable(
          () -> {
            List<String> texts = answer(request);
            return LmResponse.builder(texts)
                .usage(cacheHit ? Usage.ZERO : usage)
                .finishReason("stop")
                .cacheHit(cacheHit)
                .model(model)
                .build();
          });
    }

    @Override
    public Flux<LmChunk> sendStream(LmRequest request) {
      return scripted(request);
    }
  }

  private Flux<LmChunk> scripted(LmRequest request) {
    return Flux.defer(
            () -> {
              List<String> texts = answer(request);
              var chunks = new ArrayList<LmChunk>();
              for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (cacheHit) {
                  chunks.add(LmChunk.cacheReplay(i, text, "stop"));
                  continue;
                }
                for (int k = 0; k < text.length(); k += tokenSize) {
                  chunks.add(
                      LmChunk.of(
                          i,
                          text.substring(k, Math.min(text.length(), k + tokenSize)),
                          null,
                          null,
                          null));
                }
                chunks.add(LmChunk.of(i, "", null, "stop", null));
              }
              if (!cacheHit && !usage.equals(Usage.ZERO)) chunks.add(LmChunk.ofUsage(usage));
              return Flux.fromIterable(chunks);
            })
        .doOnCancel(cancellations::incrementAndGet);
  }

  private List<String> answer(LmRequest request) {
    requests.add(request);
    int n = request.n().orElse(1);
    var texts = new ArrayList<String>();
    for (int i = 0; i < n; i++) {
      Answer a = pick(request);
      if (a instanceof Answer.Failure f) throw f.error();
      texts.add(render(a));
    }
    return texts;
  }

  private Answer pick(LmRequest request) {
    if (!rules.isEmpty()) {
      List<Message> messages = request.messages();
      String last = messages.get(messages.size() - 1).content();
      for (var rule : rules.entrySet()) {
        if (last.contains(rule.getKey())) return rule.getValue();
      }
      if (sequence.isEmpty()) {
        throw new IllegalStateException(
            "DummyLM: no rule matches the last message; keys are " + rules.keySet());
      }
    }
    int i = next.getAndIncrement();
    if (i >= sequence.size()) {
      throw new IllegalStateException(
          "DummyLM: no scripted answer left (" + sequence.size() + " given, call " + (i + 1) + ")");
    }
    return sequence.get(i);
  }

  private static String render(Answer a) {
    if (a instanceof Answer.Fields f) return chatFormat(f.values());
    if (a instanceof Answer.Json j) return FieldValues.jsonIndented(j.values());
    if (a instanceof Answer.Text t) return t.text();
    throw new IllegalStateException("unexpected answer " + a);
  }

  @Override
  public String toString() {
    return "DummyLM["
        + sequence.size()
        + " scripted, "
        + rules.size()
        + " rules, "
        + requests.size()
        + " requests]";
  }

  /** Builds a {@link DummyLM}. */
  public static final class Builder {
    private final List<Answer> sequence = new ArrayList<>();
    private final Map<String, Answer> rules = new LinkedHashMap<>();
    private int tokenSize = 3;
    private boolean cacheHit;
    private Usage usage = Usage.ZERO;
    private String model = "dummy";
    private boolean cache;
    private LmHistory history = LmHistory.create();
    private RetryPolicy retry = RetryPolicy.none();

    private Builder() {}

    /**
     * Whether calls use the process-wide cache (default false: DSPy's DummyLM bypasses the cache);
     * a request's own {@code cache(..)} wins.
     */
    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    /** Where answered calls are recorded (default: a new {@link LmHistory#create()}). */
    public Builder history(LmHistory history) {
      this.history = Objects.requireNonNull(history, "history");
      return this;
    }

    /**
     * How scripted errors are retried (default {@link RetryPolicy#none()}: each reaches the
     * caller).
     */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** Next in sequence: these output values in ChatAdapter format. */
    public Builder answer(Map<String, ?> values) {
      sequence.add(new Answer.Fields(copy(values)));
      return this;
    }

    /** Next in sequence: these output values as a JSON object. */
    public Builder json(Map<String, ?> values) {
      sequence.add(new Answer.Json(copy(values)));
      return this;
    }

    /** Next in sequence: exactly this text. */
    public Builder text(String text) {
      sequence.add(new Answer.Text(Objects.requireNonNull(text, "text")));
      return this;
    }

    /** Next in sequence: fail with this error (for example an {@code LmException}). */
    public Builder error(RuntimeException error) {
      sequence.add(new Answer.Failure(Objects.requireNonNull(error, "error")));
      return this;
    }

    /**
     * When the last message contains {@code key}, answer these output values (ChatAdapter format).
     */
    public Builder when(String key, Map<String, ?> values) {
      rules.put(Objects.requireNonNull(key, "key"), new Answer.Fields(copy(values)));
      return this;
    }

    /** When the last message contains {@code key}, answer exactly this text. */
    public Builder whenText(String key, String text) {
      rules.put(
          Objects.requireNonNull(key, "key"),
          new Answer.Text(Objects.requireNonNull(text, "text")));
      return this;
    }

    /** Characters per streamed token (default 3). */
    public Builder tokenSize(int tokenSize) {
      if (tokenSize < 1)
        throw new IllegalArgumentException("tokenSize must be at least 1, was " + tokenSize);
      this.tokenSize = tokenSize;
      return this;
    }

    /** Replay every answer as a cache hit (no usage; {@code stream} sends one replay chunk). */
    public Builder cacheHit(boolean cacheHit) {
      this.cacheHit = cacheHit;
      return this;
    }

    /** The usage reported with every answer that is not a cache hit. */
    public Builder usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    /** The model name (default {@code dummy}). */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** The DummyLM. */
    public DummyLM build() {
      return new DummyLM(this);
    }

    private static Map<String, Object> copy(Map<String, ?> values) {
      Objects.requireNonNull(values, "values must not be null");
      return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
  }
}
