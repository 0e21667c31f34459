package dev.dspy4j.streaming;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.HeliconeHeaderNames;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.helicone.HeliconePrompt;
import dev.dspy4j.core.helicone.RateLimitPolicy;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.streaming.internal.ChatCompletionsClient;
import dev.dspy4j.streaming.internal.EffectiveRequest;
import dev.dspy4j.streaming.internal.LmEnvironment;
import dev.dspy4j.streaming.internal.LmSettings;
import dev.dspy4j.streaming.internal.ReasoningModels;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;

/**
 * An OpenAI-compatible chat-completions {@link LanguageModel} on Reactor Netty, by default against
 * the Helicone AI Gateway. Non-blocking end to end: {@link #complete} and {@link #stream} return
 * lazy publishers; each subscription is one call ({@code POST {apiBase}/chat/completions}), decoded
 * on the event loop, retried on transient failures, and aborted (connection closed) when cancelled.
 *
 * <pre>{@code
 * LM lm = LM.builder("gpt-4o-mini").temperature(0.7).build();   // key: HELICONE_API_KEY
 * lm.call("Hello, world!").subscribe(System.out::println);
 * lm.tokens("Tell me a story").subscribe(System.out::print);
 * }</pre>
 *
 * <p>What the builder is not told comes from the environment: the key from {@code
 * HELICONE_API_KEY}, the base URL from {@code HELICONE_BASE_URL} (default {@value
 * #DEFAULT_API_BASE}), and with {@link #builder()} the model from {@code DSPY4J_MODEL}. A key from
 * the environment is sent only to that base URL or a Helicone host, never to an {@code apiBase} set
 * in code for another server. A call to Helicone without a key fails at once with an {@link
 * LmConfigurationException} naming {@code HELICONE_API_KEY}; nothing is sent.
 *
 * <p>An LM is an {@link LmChain} over its HTTP transport, so each call goes: merge (per-call values
 * over the LM's defaults, Helicone headers from the Reactor Context in between, every header
 * checked) → usage recorded into the Context's {@code UsageTracker}s and the call appended to
 * {@link #history()} → the process-wide cache ({@link Dspy#cache()}: a hit sends nothing; identical
 * calls in flight share one request) → retries ({@link #retry()}) → each attempt under the optional
 * {@link RateLimiter} → one HTTP exchange.
 *
 * <p>Immutable and thread-safe: share one LM between any number of concurrent calls; the {@code
 * with...} methods return cheap modified copies, which share this LM's history and rate limiter.
 * {@link #toString()} never shows the API key.
 */
public final class LM implements LanguageModel {

  /** The Helicone AI Gateway. */
  public static final String DEFAULT_API_BASE = "https://ai-gateway.helicone.ai/v1";

  /** Retries after the first attempt, as in DSPy. */
  public static final int DEFAULT_NUM_RETRIES = 3;

  /** TCP/TLS connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Longest wait for the response headers (a non-streamed answer arrives all at once): 10 min, as
   * LiteLLM.
   */
  public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofMinutes(10);

  /** Longest silence between two pieces of a streamed body. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);

  /** First retry backoff; doubles per retry (with jitter), as DSPy's 1 s, 2 s, 4 s. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** Longest computed backoff. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** Longest {@code Retry-After} honoured; a longer one fails the call at once. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Longest SSE line (and event data) accepted: 1 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  /** Largest non-streamed response body accepted: 16 MiB. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 << 20;

  private final LmSettings settings;
  private final RetryPolicy retry;
  private final LmChain chain;

  private LM(LmSettings settings, RetryPolicy retry) {
    this.settings = settings;
    this.retry = retry;
    LmChain.Builder chain =
        LmChain.builder(new ChatCompletionsClient(settings))
            .cache(settings.cache())
            .history(settings.history())
            .retry(retry)
            .requestResolver(this::effectiveRequest);
    if (settings.rateLimiter() != null) {
      chain.rateLimiter(settings.rateLimiter());
    }
    this.chain = chain.build();
  }

  /**
   * A builder for an LM of {@code model} (e.g. {@code gpt-4o-mini}, {@code gpt-4o-mini/openai}).
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /**
   * A builder whose model comes from the environment variable {@code DSPY4J_MODEL}; {@link
   * Builder#build()} fails with an {@link LmConfigurationException} naming it when it is not set
   * (and {@link Builder#model} was not called).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this LM's configuration. */
  public Builder toBuilder() {
    return new Builder(settings, retry);
  }

  @Override
  public String model() {
    return settings.model();
  }

  /**
   * The base URL requests go to ({@code POST {apiBase}/chat/completions}), without a trailing
   * slash.
   */
  public String apiBase() {
    return settings.apiBase();
  }

  /** The default temperature, when set. */
  public OptionalDouble temperature() {
    return settings.options().temperature();
  }

  /** The default max tokens, when set. */
  public OptionalInt maxTokens() {
    return settings.options().maxTokens();
  }

  /** Whether this LM's calls use the cache unless a request says otherwise. */
  public boolean cache() {
    return settings.cache();
  }

  /**
   * The calls this LM made, most recent last (like DSPy's {@code lm.history}): bounded, without
   * credentials. {@link LmHistory#disabled()} when switched off with {@code
   * history(LmHistory.disabled())}.
   */
  public LmHistory history() {
    return settings.history();
  }

  /** The typed Helicone headers sent with every request (under those of the Reactor Context). */
  public HeliconeHeaders helicone() {
    return settings.helicone();
  }

  /** The rate limiter every HTTP attempt of this LM goes through, when one was set. */
  public Optional<RateLimiter> rateLimiter() {
    return Optional.ofNullable(settings.rateLimiter());
  }

  /** How many times a failed call is retried. */
  public int numRetries() {
    return settings.numRetries();
  }

  /**
   * The retry policy of this LM's calls ({@code numRetries}, backoffs and Retry-After cap
   * included).
   */
  public RetryPolicy retry() {
    return retry;
  }

  /** This LM with another default temperature. */
  public LM withTemperature(double temperature) {
    return toBuilder().temperature(temperature).build();
  }

  /** This LM with another default max tokens. */
  public LM withMaxTokens(int maxTokens) {
    return toBuilder().maxTokens(maxTokens).build();
  }

  /** This LM with one more (or a replaced) default header. */
  public LM withHeader(String name, String value) {
    return toBuilder().header(name, value).build();
  }

  /** This LM with the cache switched on or off. */
  public LM withCache(boolean cache) {
    return toBuilder().cache(cache).build();
  }

  /** This LM with another retry count. */
  public LM withNumRetries(int numRetries) {
    return toBuilder().numRetries(numRetries).build();
  }

  /**
   * One non-streamed completion. Emits one {@link LmResponse} (texts, usage, finish reason,
   * response headers) and completes; errors with a typed {@code LmException}: {@code
   * LmConfigurationException} before any request for an invalid per-call setting or header.
   * Answered from the cache when an identical call was made before ({@code cacheHit()} true, zero
   * usage, nothing sent). Transient failures are retried. Cancelling closes the HTTP exchange
   * (unless an identical call still waits for the same shared request).
   */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    return chain.complete(request);
  }

  /**
   * One streamed completion (SSE). Emits the chunks in order: text deltas per choice, the chunk
   * with the finish reason, and a final usage chunk; completes at {@code [DONE]} (or when the
   * server closes cleanly after a finish reason). On a cache hit, emits one replay chunk per choice
   * ({@code cacheHit()} true) and sends nothing. Errors with a typed {@code LmException}; a failure
   * after text was emitted is a {@code StreamInterruptedException} carrying the partial text
   * (earlier failures are retried). Honours backpressure; cancelling closes the HTTP exchange.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    return chain.stream(request);
  }

  /**
   * The request actually sent: {@code request} merged over this LM's defaults, with the Helicone
   * headers of the Reactor Context in between (see {@link EffectiveRequest}). Computed once per
   * call, so every retry sends the same headers (and the same {@code Helicone-Request-Id}). The
   * chain's resolver: it runs before the cache, and a missing key fails the call before anything is
   * sent.
   */
  private LmRequest effectiveRequest(LmRequest request, ContextView context) {
    LmRequest effective = EffectiveRequest.resolve(settings, request, context);
    requireKey();
    return effective;
  }

  /**
   * Helicone's gateway answers a call without a key with 401 (or, offline, only after the connect
   * retries): fail at once instead, naming the variable.
   */
  private void requireKey() {
    if (settings.apiKey() == null && LmEnvironment.isHelicone(settings.apiBase())) {
      throw new LmConfigurationException(
          "No API key for "
              + settings.apiBase()
              + ": set the environment variable "
              + LmEnvironment.API_KEY
              + " (or call LM.builder(...).apiKey(key)); nothing was sent. To run without"
              + " a key, point the LM at another server with "
              + LmEnvironment.BASE_URL
              + " or apiBase(...)"
              + " (for tests: dspy4j-test's local gateway).");
    }
  }

  /** The model, base URL and settings; header values and the API key are never shown. */
  @Override
  public String toString() {
    return "LM[model="
        + settings.model()
        + ", apiBase="
        + settings.apiBase()
        + (settings.apiKey() == null ? "" : ", apiKey=***")
        + (temperature().isEmpty() ? "" : ", temperature=" + temperature().getAsDouble())
        + (maxTokens().isEmpty() ? "" : ", maxTokens=" + maxTokens().getAsInt())
        + (settings.headers().isEmpty() ? "" : ", headers=" + settings.headers().names())
        + (settings.extraBody().isEmpty() ? "" : ", extraBody=" + settings.extraBody().keySet())
        + (settings.helicone().toMap().isEmpty()
            ? ""
            : ", helicone=" + settings.helicone().toMap().keySet())
        + (settings.rateLimiter() == null ? "" : ", rateLimiter=" + settings.rateLimiter())
        + ", cache="
        + settings.cache()
        + ", numRetries="
        + settings.numRetries()
        + "]";
  }

  /**
   * Configures an {@link LM}. Not thread-safe; {@link #build()} validates and produces the
   * immutable LM. Setters reject bad values at once with {@code IllegalArgumentException} or {@code
   * NullPointerException}.
   */
  public static final class Builder {
    private @Nullable String model;
    private @Nullable String apiKey;
    private @Nullable String apiBase;
    private GenerationOptions options = GenerationOptions.empty();
    private final Headers.Builder headers = Headers.builder();
    private final Map<String, Object> extraBody = new LinkedHashMap<>();
    private boolean cache = true;
    private int numRetries = DEFAULT_NUM_RETRIES;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration firstByteTimeout = DEFAULT_FIRST_BYTE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private @Nullable HttpClient httpClient;
    private HeliconeHeaders helicone = HeliconeHeaders.empty();
    private @Nullable RateLimiter rateLimiter;
    private @Nullable LmHistory history;
    private @Nullable RetryPolicy retry;
    private UnaryOperator<String> environment = LmEnvironment.system();

    private Builder() {}

    private Builder(String model) {
      model(model);
    }

    private Builder(LmSettings s, RetryPolicy retry) {
      this.retry = retry;
      this.model = s.model();
      this.apiKey = s.apiKey();
      this.apiBase = s.apiBase();
      this.options = s.options();
      this.headers.setAll(s.headers());
      this.extraBody.putAll(s.extraBody());
      this.cache = s.cache();
      this.numRetries = s.numRetries();
      this.connectTimeout = s.connectTimeout();
      this.firstByteTimeout = s.firstByteTimeout();
      this.idleTimeout = s.idleTimeout();
      this.retryBackoff = s.retryBackoff();
      this.maxBackoff = s.maxBackoff();
      this.maxRetryAfter = s.maxRetryAfter();
      this.maxLineBytes = s.maxLineBytes();
      this.maxResponseBytes = s.maxResponseBytes();
      this.httpClient = s.httpClient();
      this.helicone = s.helicone();
      this.rateLimiter = s.rateLimiter();
      this.history = s.history();
    }

    /** The model name sent in the body. */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model must not be null");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank, e.g. \"gpt-4o-mini\"");
      }
      this.model = model;
      return this;
    }

    /**
     * The key sent as {@code Authorization: Bearer <key>}. Leave it out to use the environment
     * variable {@code HELICONE_API_KEY}.
     *
     * @throws LmConfigurationException when the key is null (an unset variable passed on), blank or
     *     not printable ASCII; the message never repeats it
     */
    public Builder apiKey(String apiKey) {
      if (apiKey == null) {
        throw new LmConfigurationException(
            "apiKey is null (an unset environment variable?): leave apiKey(...) out"
                + " and the LM reads "
                + LmEnvironment.API_KEY
                + " itself, or pass a key");
      }
      if (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < ' ' || c > '~')) {
        throw new LmConfigurationException(
            "apiKey must be non-blank printable ASCII (is the variable set?)");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * The base URL, e.g. {@code https://ai-gateway.helicone.ai/v1} or {@code
     * http://127.0.0.1:8080/v1}; a trailing slash is ignored. Leave it out to use {@code
     * HELICONE_BASE_URL}, else the Helicone AI Gateway.
     *
     * @throws LmConfigurationException naming {@code apiBase} when it is not an http(s) URL with a
     *     host and a port in 1..65535, or has user info, a query or a fragment
     */
    public Builder apiBase(String apiBase) {
      Objects.requireNonNull(apiBase, "apiBase must not be null");
      this.apiBase = LmEnvironment.checkApiBase(apiBase, "apiBase");
      return this;
    }

    /**
     * Where unset values are read (tests pass a map's {@code get}); the process environment by
     * default.
     */
    Builder environment(UnaryOperator<String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The default sampling temperature, 0 to 2 (validated by {@link GenerationOptions}). */
    public Builder temperature(double temperature) {
      this.options = options.withTemperature(temperature);
      return this;
    }

    /** The default max tokens (sent as {@code max_completion_tokens} to reasoning models). */
    public Builder maxTokens(int maxTokens) {
      this.options = options.withMaxTokens(maxTokens);
      return this;
    }

    /**
     * A header sent with every request (a Context or per-request header of the same name wins);
     * replaces a default header of the same name, ignoring case. Checked at once by the same rule
     * as a per-call header ({@link Headers.Builder#set}).
     *
     * @throws IllegalArgumentException at once when the name is not an HTTP token or the value has
     *     CR, LF, another control character or non-ASCII text (encode it with {@code
     *     HeaderValues.percentEncode}); the message names the header, never its value
     */
    public Builder header(String name, String value) {
      headers.set(name, value);
      return this;
    }

    /** Several headers, as {@link #header} each. */
    public Builder headers(Map<String, String> headers) {
      this.headers.setAll(Objects.requireNonNull(headers, "headers must not be null"));
      return this;
    }

    /** Several headers, set over the default headers given before. */
    public Builder headers(Headers headers) {
      this.headers.setAll(Objects.requireNonNull(headers, "headers must not be null"));
      return this;
    }

    /**
     * Extra top-level JSON body fields for every request (e.g. Helicone {@code prompt_id}, {@code
     * inputs}).
     */
    public Builder extraBody(Map<String, ?> extraBody) {
      Objects.requireNonNull(extraBody, "extraBody must not be null")
          .forEach(
              (k, v) ->
                  this.extraBody.put(
                      Objects.requireNonNull(k, "extraBody keys must not be null"), v));
      return this;
    }

    /**
     * Typed Helicone headers sent with every request (session, user, properties, cache, rate-limit
     * policy, ...): they override raw {@link #header} defaults of the same name, and the Reactor
     * Context's Helicone headers ({@code contextWrite(Helicone.user(..))}) override them. Replaces
     * earlier typed defaults.
     */
    public Builder helicone(HeliconeHeaders helicone) {
      this.helicone =
          Objects.requireNonNull(
              helicone, "helicone must not be null (use HeliconeHeaders.empty())");
      return this;
    }

    /**
     * A Helicone prompt: its {@code prompt_id}, {@code version_id}, {@code environment} and {@code
     * inputs} are merged into the extra body of every request ({@code model} is still sent).
     */
    public Builder prompt(HeliconePrompt prompt) {
      return extraBody(Objects.requireNonNull(prompt, "prompt must not be null").toBody());
    }

    /**
     * Where completed calls are recorded (default: a new {@code LmHistory.create()}, the last
     * 10,000 calls); {@code LmHistory.disabled()} keeps nothing. A history may be shared by several
     * LMs.
     */
    public Builder history(LmHistory history) {
      this.history =
          Objects.requireNonNull(history, "history must not be null (use LmHistory.disabled())");
      return this;
    }

    /**
     * A rate limiter every HTTP attempt of this LM waits for (retries included); 429s and the
     * server's rate-limit headers adapt its pace. Share one limiter between LMs drawing on one
     * quota. Default: none.
     */
    public Builder rateLimiter(RateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter must not be null");
      return this;
    }

    /**
     * Whether calls use the process-wide cache (default true, as DSPy); a request may override it.
     */
    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    /** Retries after a transient failure (default 3); 0 disables retries. */
    public Builder numRetries(int numRetries) {
      if (numRetries < 0) {
        throw new IllegalArgumentException("numRetries must not be negative, was " + numRetries);
      }
      this.numRetries = numRetries;
      return this;
    }

    /** TCP/TLS connect timeout (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Longest wait for the response headers and between reads (default 10 min). */
    public Builder firstByteTimeout(Duration timeout) {
      this.firstByteTimeout = positive(timeout, "firstByteTimeout");
      return this;
    }

    /** Longest silence between two reads of a streamed body (default 2 min). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * The first retry backoff (default 1 s); it doubles per retry, with jitter, up to {@link
     * #maxBackoff}.
     */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = positive(backoff, "retryBackoff");
      return this;
    }

    /** The longest computed backoff (default 30 s). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * The retry policy, for what the four retry setters do not cover (jitter, filter, scheduler,
     * random source). Takes over the policy's {@code maxRetries}, {@code backoff}, {@code
     * maxBackoff} and {@code maxRetryAfter} as {@link #numRetries}, {@link #retryBackoff}, {@link
     * #maxBackoff} and {@link #maxRetryAfter}; those setters, called afterwards, change them again.
     * Default: a policy made of those four settings.
     */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry must not be null (use RetryPolicy.none())");
      this.numRetries = retry.maxRetries();
      this.retryBackoff = retry.backoff();
      this.maxBackoff = retry.maxBackoff();
      this.maxRetryAfter = retry.maxRetryAfter();
      return this;
    }

    /**
     * The longest server {@code Retry-After} honoured (default 60 s); a longer one fails at once.
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      Objects.requireNonNull(maxRetryAfter, "maxRetryAfter must not be null");
      if (maxRetryAfter.isNegative()) {
        throw new IllegalArgumentException("maxRetryAfter must not be negative");
      }
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /** The longest SSE line or event accepted (default 1 MiB). */
    public Builder maxLineBytes(int maxLineBytes) {
      if (maxLineBytes < 1024) {
        throw new IllegalArgumentException(
            "maxLineBytes must be at least 1024, was " + maxLineBytes);
      }
      this.maxLineBytes = maxLineBytes;
      return this;
    }

    /** The largest non-streamed response body accepted (default 16 MiB). */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException(
            "maxResponseBytes must be at least 1024, was " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * A Reactor Netty client to send requests with (proxy, TLS, metrics, event loops...). The LM
     * applies its connect and first-byte timeouts on top. Default: a shared pool of 500
     * connections.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
      return this;
    }

    /**
     * A connection pool to send requests with (shorthand for {@code
     * httpClient(HttpClient.create(provider))}).
     */
    public Builder connectionProvider(ConnectionProvider provider) {
      return httpClient(
          HttpClient.create(Objects.requireNonNull(provider, "provider must not be null")));
    }

    /**
     * The immutable LM.
     *
     * <p>Checks every default header again and logs a warning for a misspelt Helicone header name
     * (e.g. {@code Helicone-Rate-Limit-Policy}, which the gateway silently ignores: the right name
     * is {@code Helicone-RateLimit-Policy}).
     *
     * <p>Values not set here come from the environment: the model from {@code DSPY4J_MODEL} (only
     * with {@link LM#builder()}), the base URL from {@code HELICONE_BASE_URL}, the key from {@code
     * HELICONE_API_KEY} (when the base URL was not set in code, or is a Helicone host).
     *
     * @throws LmConfigurationException when a reasoning model is given a temperature other than 1.0
     *     or max tokens below 16000; when there is no model ({@code DSPY4J_MODEL} unset); when
     *     {@code HELICONE_BASE_URL} is not a valid base URL (the message names the variable)
     * @throws IllegalArgumentException when a default header is invalid, or a raw {@code
     *     Helicone-RateLimit-Policy} does not parse (the message names the header)
     */
    public LM build() {
      String model =
          this.model != null ? this.model : LmEnvironment.get(environment, LmEnvironment.MODEL);
      if (model == null) {
        throw new LmConfigurationException(
            "No model: pass one to LM.builder(\"gpt-4o-mini\") or set the environment"
                + " variable "
                + LmEnvironment.MODEL);
      }
      String envBase = LmEnvironment.get(environment, LmEnvironment.BASE_URL);
      String apiBase =
          this.apiBase != null
              ? this.apiBase
              : envBase != null
                  ? LmEnvironment.checkApiBase(envBase, LmEnvironment.BASE_URL)
                  : DEFAULT_API_BASE;
      String apiKey = this.apiKey;
      if (apiKey == null && (this.apiBase == null || LmEnvironment.isHelicone(apiBase))) {
        apiKey = LmEnvironment.get(environment, LmEnvironment.API_KEY);
        if (apiKey != null && apiKey.chars().anyMatch(c -> c < ' ' || c > '~')) {
          throw new LmConfigurationException(
              LmEnvironment.API_KEY + " must be printable ASCII (check how it was set)");
        }
      }
      ReasoningModels.check(model, options);
      Headers defaultHeaders = headers.build();
      defaultHeaders.forEach(
          (name, value) -> {
            HeliconeHeaderNames.checkSpelling(name);
            if (name.equalsIgnoreCase(HeliconeHeaderNames.RATE_LIMIT_POLICY)) {
              // The grammar only: a segment header (s=user) may still come from the Context per
              // call.
              RateLimitPolicy.parse(value);
            }
          });
      return new LM(
          new LmSettings(
              model,
              apiKey,
              apiBase,
              options,
              defaultHeaders,
              Collections.unmodifiableMap(new LinkedHashMap<>(extraBody)),
              cache,
              numRetries,
              connectTimeout,
              firstByteTimeout,
              idleTimeout,
              retryBackoff,
              maxBackoff,
              maxRetryAfter,
              maxLineBytes,
              maxResponseBytes,
              httpClient,
              helicone,
              rateLimiter,
              history == null ? LmHistory.create() : history),
          (retry == null ? RetryPolicy.builder() : retry.toBuilder())
              .maxRetries(numRetries)
              .backoff(retryBackoff)
              .maxBackoff(maxBackoff)
              .maxRetryAfter(maxRetryAfter)
              .build());
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
