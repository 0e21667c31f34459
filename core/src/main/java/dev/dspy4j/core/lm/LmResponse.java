package dev.dspy4j.core.lm;

import dev.dspy4j.core.http.Headers;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The result of one chat completion: one text per choice, usage, finish reason, the response
 * headers (case-insensitive names) and whether it was served from a cache. With native function
 * calling, the function calls each choice asked for ({@link #toolCalls()}).
 */
public final class LmResponse {

  private final List<String> texts;
  private final Usage usage;
  private final @Nullable String finishReason;
  private final Headers headers;
  private final boolean cacheHit;
  private final @Nullable String model;
  private final Map<Integer, List<ToolCall>> toolCalls;

  private LmResponse(Builder b) {
    if (b.texts.isEmpty()) {
      throw new IllegalArgumentException("an LmResponse needs at least one choice");
    }
    this.texts = List.copyOf(b.texts);
    this.usage = b.usage;
    this.finishReason = b.finishReason;
    this.headers = b.headers;
    this.cacheHit = b.cacheHit;
    this.model = b.model;
    this.toolCalls = Collections.unmodifiableMap(new TreeMap<>(b.toolCalls));
  }

  /** A response of one choice with no usage and no headers (handy in tests). */
  public static LmResponse of(String text) {
    return builder(List.of(text)).build();
  }

  public static Builder builder(List<String> texts) {
    return new Builder(texts);
  }

  /** A builder holding this response's values. */
  public Builder toBuilder() {
    return new Builder(texts)
        .usage(usage)
        .finishReason(finishReason)
        .headers(headers)
        .cacheHit(cacheHit)
        .model(model)
        .toolCalls(toolCalls);
  }

  /** One text per choice, in choice order. */
  public List<String> texts() {
    return texts;
  }

  /** The text of choice 0. */
  public String text() {
    return texts.get(0);
  }

  /** Token usage; {@link Usage#ZERO} when unknown or on a cache hit. */
  public Usage usage() {
    return usage;
  }

  /** The wire finish reason of choice 0 ({@code "stop"}, {@code "length"}, ...), when known. */
  public Optional<String> finishReason() {
    return Optional.ofNullable(finishReason);
  }

  /** Response headers; lookups ignore case. Empty for a client-cache hit. */
  public Headers headers() {
    return headers;
  }

  /** The value of one response header, ignoring case. */
  public Optional<String> header(String name) {
    return headers.value(name);
  }

  /**
   * The gateway's id for this request: {@link Headers#requestId()} ({@code Helicone-Id}, else
   * {@code Helicone-Request-Id}, else {@code x-request-id}; the first non-blank one).
   */
  public Optional<String> requestId() {
    return headers.requestId();
  }

  /**
   * True when served from the client cache or when the gateway answered {@code Helicone-Cache:
   * HIT}.
   */
  public boolean cacheHit() {
    return cacheHit
        || header("Helicone-Cache").map(v -> v.trim().equalsIgnoreCase("HIT")).orElse(false);
  }

  /**
   * The function calls of choice 0 (native function calling), in order; empty when it made none.
   */
  public List<ToolCall> toolCalls() {
    return toolCalls(0);
  }

  /** The function calls of choice {@code choice}, in order; empty when it made none. */
  public List<ToolCall> toolCalls(int choice) {
    return toolCalls.getOrDefault(choice, List.of());
  }

  /** The function calls per choice index; only choices that made calls are present. */
  public Map<Integer, List<ToolCall>> toolCallsByChoice() {
    return toolCalls;
  }

  /** The model the server says it used, when it said. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LmResponse r
        && texts.equals(r.texts)
        && usage.equals(r.usage)
        && Objects.equals(finishReason, r.finishReason)
        && headers.equals(r.headers)
        && cacheHit == r.cacheHit
        && Objects.equals(model, r.model)
        && toolCalls.equals(r.toolCalls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(texts, usage, finishReason, headers, cacheHit, model, toolCalls);
  }

  @Override
  public String toString() {
    return "LmResponse[texts="
        + texts
        + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls)
        + ", usage="
        + usage
        + ", finishReason="
        + finishReason
        + ", cacheHit="
        + cacheHit()
        + requestId().map(id -> ", requestId=" + id).orElse("")
        + "]";
  }

  /** Mutable builder for {@link LmResponse}. */
  public static final class Builder {
    private final List<String> texts;
    private Usage usage = Usage.ZERO;
    private @Nullable String finishReason;
    private Headers headers = Headers.empty();
    private boolean cacheHit;
    private @Nullable String model;
    private final Map<Integer, List<ToolCall>> toolCalls = new TreeMap<>();

    private Builder(List<String> texts) {
      Objects.requireNonNull(texts, "texts must not be null");
      texts.forEach(t -> Objects.requireNonNull(t, "texts must not contain null"));
      this.texts = List.copyOf(texts);
    }

    public Builder usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    public Builder finishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** The response headers. */
    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** The response headers, each checked as {@link Headers.Builder#set} does. */
    public Builder headers(Map<String, String> headers) {
      return headers(Headers.of(Objects.requireNonNull(headers, "headers")));
    }

    public Builder cacheHit(boolean cacheHit) {
      this.cacheHit = cacheHit;
      return this;
    }

    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /** The function calls of choice {@code choice} (an empty list removes them). */
    public Builder toolCalls(int choice, List<ToolCall> calls) {
      if (choice < 0)
        throw new IllegalArgumentException("choice must not be negative, was " + choice);
      Objects.requireNonNull(calls, "calls")
          .forEach(c -> Objects.requireNonNull(c, "calls must not contain null"));
      if (calls.isEmpty()) {
        toolCalls.remove(choice);
      } else {
        toolCalls.put(choice, List.copyOf(calls));
      }
      return this;
    }

    /** The function calls per choice. */
    public Builder toolCalls(Map<Integer, List<ToolCall>> callsPerChoice) {
      Objects.requireNonNull(callsPerChoice, "callsPerChoice").forEach(this::toolCalls);
      return this;
    }

    public LmResponse build() {
      return new LmResponse(this);
    }
  }
}
