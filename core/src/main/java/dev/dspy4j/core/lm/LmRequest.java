package dev.dspy4j.core.lm;

import dev.dspy4j.core.http.Headers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One chat-completion request: the messages plus per-call settings that override the LM's defaults
 * (DSPy merges {@code {**lm.kwargs, **call_kwargs}}; so does dspy4j). Immutable; every {@code with}
 * method returns a new request.
 */
public final class LmRequest {

  private final List<Message> messages;
  private final GenerationOptions options;
  private final @Nullable Map<String, Object> responseFormat;
  private final Headers headers;
  private final Map<String, Object> extraBody;
  private final @Nullable Boolean cache;
  private final @Nullable String rolloutId;
  private final List<Map<String, Object>> tools;
  private final @Nullable Object toolChoice;

  private LmRequest(Builder b) {
    if (b.messages.isEmpty()) {
      throw new IllegalArgumentException("an LmRequest needs at least one message");
    }
    this.messages = List.copyOf(b.messages);
    this.options = b.options;
    this.responseFormat =
        b.responseFormat == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.responseFormat));
    this.headers = b.headers.build();
    this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
    this.cache = b.cache;
    this.rolloutId = b.rolloutId;
    this.tools =
        b.tools.stream().map(t -> Collections.unmodifiableMap(new LinkedHashMap<>(t))).toList();
    this.toolChoice = b.toolChoice;
  }

  /** A request with these messages and no per-call overrides. */
  public static LmRequest of(List<Message> messages) {
    return builder(messages).build();
  }

  /** A request of one user message. */
  public static LmRequest ofUser(String prompt) {
    return of(List.of(Message.user(prompt)));
  }

  /** A builder starting from these messages. */
  public static Builder builder(List<Message> messages) {
    return new Builder().messages(messages);
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    var b = new Builder().messages(messages);
    b.options = options;
    b.responseFormat = responseFormat == null ? null : new LinkedHashMap<>(responseFormat);
    b.headers = headers.toBuilder();
    b.extraBody = new LinkedHashMap<>(extraBody);
    b.cache = cache;
    b.rolloutId = rolloutId;
    b.tools = new ArrayList<>(tools);
    b.toolChoice = toolChoice;
    return b;
  }

  public List<Message> messages() {
    return messages;
  }

  /**
   * This call's temperature, max tokens, n and stop sequences; each empty when not set for this
   * call.
   */
  public GenerationOptions options() {
    return options;
  }

  /** Number of choices to generate, when set for this call. */
  public OptionalInt n() {
    return options.n();
  }

  /** Sampling temperature, when set for this call. */
  public OptionalDouble temperature() {
    return options.temperature();
  }

  /** Completion token limit, when set for this call. */
  public OptionalInt maxTokens() {
    return options.maxTokens();
  }

  /** Stop sequences; empty when none. */
  public List<String> stop() {
    return options.stop();
  }

  /** The OpenAI {@code response_format} object, when set. */
  public Optional<Map<String, Object>> responseFormat() {
    return Optional.ofNullable(responseFormat);
  }

  /**
   * Extra HTTP headers for this call; they win over the LM's headers of the same name (ignoring
   * case).
   */
  public Headers headers() {
    return headers;
  }

  /** Extra top-level JSON body fields for this call, merged over the LM's extra body. */
  public Map<String, Object> extraBody() {
    return extraBody;
  }

  /** Per-call cache switch; empty means "as the LM is configured". */
  public Optional<Boolean> cache() {
    return Optional.ofNullable(cache);
  }

  /** DSPy's {@code rollout_id}: part of the cache key, never sent to the server. */
  public Optional<String> rolloutId() {
    return Optional.ofNullable(rolloutId);
  }

  /**
   * The OpenAI {@code tools} array (native function calling), each item as DSPy's {@code
   * Tool.format_as_litellm_function_call()} writes it; empty when none.
   */
  public List<Map<String, Object>> tools() {
    return tools;
  }

  /**
   * The OpenAI {@code tool_choice} ({@code "auto"}, {@code "none"}, {@code "required"} or an
   * object), when set.
   */
  public Optional<Object> toolChoice() {
    return Optional.ofNullable(toolChoice);
  }

  public LmRequest withTemperature(double temperature) {
    return toBuilder().temperature(temperature).build();
  }

  public LmRequest withMaxTokens(int maxTokens) {
    return toBuilder().maxTokens(maxTokens).build();
  }

  public LmRequest withN(int n) {
    return toBuilder().n(n).build();
  }

  public LmRequest withCache(boolean cache) {
    return toBuilder().cache(cache).build();
  }

  public LmRequest withHeader(String name, String value) {
    return toBuilder().header(name, value).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LmRequest r
        && messages.equals(r.messages)
        && options.equals(r.options)
        && Objects.equals(responseFormat, r.responseFormat)
        && headers.equals(r.headers)
        && extraBody.equals(r.extraBody)
        && Objects.equals(cache, r.cache)
        && Objects.equals(rolloutId, r.rolloutId)
        && tools.equals(r.tools)
        && Objects.equals(toolChoice, r.toolChoice);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        messages, options, responseFormat, headers, extraBody, cache, rolloutId, tools, toolChoice);
  }

  /** Lists header names only: header values may hold credentials. */
  @Override
  public String toString() {
    return "LmRequest[messages="
        + messages.size()
        + (options.n().isEmpty() ? "" : ", n=" + options.n().getAsInt())
        + (options.temperature().isEmpty()
            ? ""
            : ", temperature=" + options.temperature().getAsDouble())
        + (options.maxTokens().isEmpty() ? "" : ", maxTokens=" + options.maxTokens().getAsInt())
        + (options.stop().isEmpty() ? "" : ", stop=" + options.stop())
        + (responseFormat == null ? "" : ", responseFormat=" + responseFormat.get("type"))
        + (headers.isEmpty() ? "" : ", headers=" + headers.names())
        + (extraBody.isEmpty() ? "" : ", extraBody=" + extraBody.keySet())
        + (cache == null ? "" : ", cache=" + cache)
        + (tools.isEmpty() ? "" : ", tools=" + tools.size())
        + (toolChoice == null
            ? ""
            : ", toolChoice=" + (toolChoice instanceof String ? toolChoice : "{...}"))
        + "]";
  }

  /** Mutable builder for {@link LmRequest}. */
  public static final class Builder {
    private List<Message> messages = List.of();
    private GenerationOptions options = GenerationOptions.empty();
    private @Nullable Map<String, Object> responseFormat;
    private Headers.Builder headers = Headers.builder();
    private Map<String, Object> extraBody = new LinkedHashMap<>();
    private @Nullable Boolean cache;
    private @Nullable String rolloutId;
    private List<Map<String, Object>> tools = new ArrayList<>();
    private @Nullable Object toolChoice;

    private Builder() {}

    public Builder messages(List<Message> messages) {
      Objects.requireNonNull(messages, "messages must not be null");
      messages.forEach(m -> Objects.requireNonNull(m, "messages must not contain null"));
      this.messages = List.copyOf(messages);
      return this;
    }

    /** Temperature, max tokens, n and stop sequences all at once, replacing any set before. */
    public Builder options(GenerationOptions options) {
      this.options = Objects.requireNonNull(options, "options must not be null");
      return this;
    }

    /** Number of choices, at least 1 (validated by {@link GenerationOptions}). */
    public Builder n(int n) {
      this.options = options.withN(n);
      return this;
    }

    /** Sampling temperature, 0 to 2 (validated by {@link GenerationOptions}). */
    public Builder temperature(double temperature) {
      this.options = options.withTemperature(temperature);
      return this;
    }

    /** Completion token limit, at least 1 (validated by {@link GenerationOptions}). */
    public Builder maxTokens(int maxTokens) {
      this.options = options.withMaxTokens(maxTokens);
      return this;
    }

    /** Stop sequences (no nulls), replacing any set before. */
    public Builder stop(List<String> stop) {
      this.options = options.withStop(stop);
      return this;
    }

    /** The OpenAI {@code response_format} object, e.g. {@code Map.of("type", "json_object")}. */
    public Builder responseFormat(Map<String, ?> responseFormat) {
      this.responseFormat =
          new LinkedHashMap<>(Objects.requireNonNull(responseFormat, "responseFormat"));
      return this;
    }

    /**
     * A header for this call, checked at once as {@link Headers.Builder#set} (and an LM's default
     * headers) are: a header of the same name, ignoring case, is replaced.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token or the value holds CR,
     *     LF, another control character or non-ASCII text (the message names the header, never its
     *     value)
     */
    public Builder header(String name, String value) {
      headers.set(name, value);
      return this;
    }

    /** Several headers, as {@link #header} each, in the map's order. */
    public Builder headers(Map<String, String> headers) {
      this.headers.setAll(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    /** Several headers, set over those given before. */
    public Builder headers(Headers headers) {
      this.headers.setAll(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    public Builder extraBody(Map<String, ?> extraBody) {
      Objects.requireNonNull(extraBody, "extraBody")
          .forEach((k, v) -> this.extraBody.put(Objects.requireNonNull(k, "extraBody key"), v));
      return this;
    }

    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    public Builder rolloutId(String rolloutId) {
      this.rolloutId = Objects.requireNonNull(rolloutId, "rolloutId");
      return this;
    }

    /**
     * The OpenAI {@code tools} array for native function calling (for dspy4j tools: {@code
     * Tool.asOpenAiTool()} of each); replaces any set before.
     */
    public Builder tools(List<? extends Map<String, ?>> tools) {
      Objects.requireNonNull(tools, "tools must not be null");
      var copy = new ArrayList<Map<String, Object>>(tools.size());
      for (Map<String, ?> t : tools) {
        Objects.requireNonNull(t, "tools must not contain null");
        copy.add(new LinkedHashMap<>(t));
      }
      this.tools = copy;
      return this;
    }

    /**
     * The OpenAI {@code tool_choice}: {@code "auto"}, {@code "none"}, {@code "required"}, or an
     * object such as {@code {"type": "function", "function": {"name": "search"}}}.
     */
    public Builder toolChoice(Object toolChoice) {
      Objects.requireNonNull(toolChoice, "toolChoice");
      if (!(toolChoice instanceof String) && !(toolChoice instanceof Map<?, ?>)) {
        throw new IllegalArgumentException(
            "toolChoice must be a String or a Map, was " + toolChoice.getClass().getName());
      }
      this.toolChoice =
          toolChoice instanceof Map<?, ?> m
              ? Collections.unmodifiableMap(new LinkedHashMap<>(m))
              : toolChoice;
      return this;
    }

    public LmRequest build() {
      return new LmRequest(this);
    }
  }
}
