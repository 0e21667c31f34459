package dev.dspy4j.core.lm;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.internal.CacheLink;
import dev.dspy4j.core.lm.internal.RateLimitLink;
import dev.dspy4j.core.lm.internal.RecordLink;
import dev.dspy4j.core.lm.internal.RetryLink;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.LmHistory;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The one call chain every language model call goes through: a {@link LanguageModel} made of an
 * {@link LmTransport} (the send step) and the links around it, like DSPy's {@code BaseLM.__call__}
 * around {@code forward}. A transport gets caching, history, usage tracking, rate limiting and
 * retries by being built into a chain:
 *
 * <pre>{@code
 * LanguageModel lm = LmChain.builder(transport)
 *     .rateLimiter(RateLimiter.builder().maxConcurrent(8).build())
 *     .retry(RetryPolicy.builder().maxRetries(5).build())
 *     .build();
 * }</pre>
 *
 * <p>Each call, on subscription: <b>resolve</b> the effective request ({@link RequestResolver}: by
 * default the request with the Helicone headers of the Reactor Context layered under its own) →
 * <b>record</b> (usage into the Context's {@code UsageTracker}s, the call into {@link #history()})
 * → <b>cache</b> ({@link Dspy#cache()} or the chain's own; a hit sends nothing, identical calls in
 * flight share one request) → <b>retry</b> ({@link RetryPolicy}) → <b>rate limit</b> (a permit of
 * the {@link RateLimiter} per attempt) → <b>transport</b> (one attempt).
 *
 * <p>Why this order. Record is outside the cache so that hits and coalesced calls are recorded too
 * (a hit is a call with zero tokens, as in DSPy's history). Retry is outside the rate limit so that
 * every attempt, not just every call, queues for a permit and reports back: a 429 slows every
 * caller down before the retry goes out, and the retry waits its turn. For a stream, the record
 * link's per-chunk work runs in the same single operator as the retry link's "was text delivered
 * yet" mark, placed right after the retry (so under the cache); a stream answered from the cache is
 * recorded when its replay completes. A stream is retried only until a chunk with text went
 * downstream; afterwards a failure is a {@link StreamInterruptedException} carrying the partial
 * text.
 *
 * <p>Immutable and thread-safe. Nothing happens until subscription; cancelling stops the call and,
 * through the transport, closes its exchange (unless identical cached calls still wait for it).
 */
public final class LmChain implements LanguageModel {

  /**
   * Resolves the effective request of one call: the request as the cache keys it and the transport
   * sends it. Runs once per call, before the cache, under the caller's Reactor Context; an {@link
   * LmException} it throws (e.g. an {@link LmConfigurationException}) fails the call before
   * anything is sent.
   */
  @FunctionalInterface
  public interface RequestResolver {
    /** The effective request for {@code request} made under {@code context}. */
    LmRequest resolve(LmRequest request, ContextView context);
  }

  private final LmTransport transport;
  private final boolean cache;
  private final @Nullable LmCache cacheStore;
  private final LmHistory history;
  private final @Nullable RateLimiter rateLimiter;
  private final RetryPolicy retry;
  private final @Nullable Double temperature;
  private final RequestResolver resolver;
  private final RecordLink record;
  private final RetryLink retryLink;
  private final @Nullable RateLimitLink limitLink;

  private LmChain(Builder b) {
    this.transport = b.transport;
    this.cache = b.cache;
    this.cacheStore = b.cacheStore;
    this.history = b.history;
    this.rateLimiter = b.rateLimiter;
    this.retry = b.retry;
    this.temperature = b.temperature;
    this.resolver = b.resolver;
    this.record = new RecordLink(transport.model(), history);
    this.retryLink = new RetryLink(retry);
    this.limitLink = rateLimiter == null ? null : new RateLimitLink(rateLimiter);
  }

  /** A builder for a chain over {@code transport}. */
  public static Builder builder(LmTransport transport) {
    return new Builder(transport);
  }

  /** The transport's model name. */
  @Override
  public String model() {
    return transport.model();
  }

  /** The default temperature given to the builder; it is the transport's business to send it. */
  @Override
  public OptionalDouble temperature() {
    return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
  }

  /** The transport this chain sends with. */
  public LmTransport transport() {
    return transport;
  }

  /** Whether calls use the cache unless a request says otherwise ({@link LmRequest#cache()}). */
  public boolean cache() {
    return cache;
  }

  /** Where completed calls are recorded. */
  public LmHistory history() {
    return history;
  }

  /** The rate limiter every attempt waits for, when one was set. */
  public Optional<RateLimiter> rateLimiter() {
    return Optional.ofNullable(rateLimiter);
  }

  /** The retry policy. */
  public RetryPolicy retry() {
    return retry;
  }

  /**
   * One non-streamed completion through the chain. Emits one {@link LmResponse} ({@code cacheHit()}
   * true and zero usage when answered from the cache) or errors with the transport's typed error
   * after the retries; a resolver failure errors before anything is sent.
   */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Mono.deferContextual(
        context -> {
          LmRequest effective;
          try {
            effective = resolver.resolve(request, context);
          } catch (LmException e) {
            return Mono.error(e);
          }
          Mono<LmResponse> call =
              CacheLink.usesCache(effective, cache)
                  ? CacheLink.complete(cacheStore(), model(), effective, () -> network(effective))
                  : network(effective);
          return record.complete(call, context, effective);
        });
  }

  /**
   * One streamed completion through the chain: the transport's chunks as they arrive (or one {@link
   * LmChunk#cacheReplay} chunk per choice on a hit). Retried only until text was emitted;
   * afterwards a failure is a {@link StreamInterruptedException}. Honours backpressure; cancelling
   * cancels the transport's stream.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Flux.deferContextual(
        context -> {
          LmRequest effective;
          try {
            effective = resolver.resolve(request, context);
          } catch (LmException e) {
            return Flux.error(e);
          }
          if (!CacheLink.usesCache(effective, cache)) {
            return networkStream(context, effective).chunks();
          }
          return CacheLink.stream(
              cacheStore(),
              model(),
              effective,
              () -> networkStream(context, effective),
              hit -> record.hit(context, effective, hit));
        });
  }

  private LmCache cacheStore() {
    return cacheStore != null ? cacheStore : Dspy.cache();
  }

  private Mono<LmResponse> network(LmRequest effective) {
    return limitLink == null
        ? retryLink.complete(() -> transport.send(effective))
        : retryLink.complete(() -> limitLink.complete(Mono.defer(() -> transport.send(effective))));
  }

  private CacheLink.NetworkStream networkStream(ContextView context, LmRequest effective) {
    RecordLink.StreamCall call = record.newStreamCall(context, effective);
    Flux<LmChunk> retried =
        limitLink == null
            ? retryLink.stream(() -> transport.sendStream(effective), call)
            : retryLink.stream(
                () -> limitLink.stream(Flux.defer(() -> transport.sendStream(effective))), call);
    return new CacheLink.NetworkStream(
        RecordLink.track(retried, call, failure -> retryLink.finalFailure(failure, call)),
        call::whole);
  }

  /**
   * The default resolver: the request as it is, with the Helicone headers of the Reactor Context
   * ({@code contextWrite(Helicone.user(..))}) layered under the request's own headers.
   */
  private static LmRequest withContextHeaders(LmRequest request, ContextView context) {
    HeliconeHeaders fromContext = Helicone.current(context);
    if (fromContext.isEmpty()) {
      return request;
    }
    Headers headers;
    try {
      headers =
          Helicone.requestHeaders(
              Headers.empty(), HeliconeHeaders.empty(), context, request.headers());
    } catch (IllegalArgumentException e) {
      throw new LmConfigurationException(e.getMessage());
    }
    // The request's own headers win and stay as they are; the Context's are added under them.
    LmRequest.Builder b = request.toBuilder();
    headers.forEach(
        (name, value) -> {
          if (!request.headers().contains(name)) {
            b.header(name, value);
          }
        });
    return b.build();
  }

  @Override
  public String toString() {
    return "LmChain["
        + transport
        + ", cache="
        + cache
        + ", "
        + retry
        + (rateLimiter == null ? "" : ", rateLimiter=" + rateLimiter)
        + "]";
  }

  /** Configures an {@link LmChain}. Not thread-safe. */
  public static final class Builder {
    private final LmTransport transport;
    private boolean cache = true;
    private @Nullable LmCache cacheStore;
    private LmHistory history = LmHistory.create();
    private @Nullable RateLimiter rateLimiter;
    private RetryPolicy retry = RetryPolicy.defaults();
    private @Nullable Double temperature;
    private RequestResolver resolver = LmChain::withContextHeaders;

    private Builder(LmTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport must not be null");
      Objects.requireNonNull(transport.model(), "transport.model() must not be null");
    }

    /**
     * Whether calls use the cache (default true, as DSPy); a request's own {@code cache(..)} wins.
     */
    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    /** The cache to use (default: {@link Dspy#cache()}, looked up per call). */
    public Builder cacheStore(LmCache cacheStore) {
      this.cacheStore = Objects.requireNonNull(cacheStore, "cacheStore must not be null");
      return this;
    }

    /**
     * Where completed calls are recorded (default: a new {@link LmHistory#create()}); {@link
     * LmHistory#disabled()} keeps none.
     */
    public Builder history(LmHistory history) {
      this.history =
          Objects.requireNonNull(history, "history must not be null (use LmHistory.disabled())");
      return this;
    }

    /**
     * A rate limiter every attempt (retries included) waits for; 429s and rate-limit headers adapt
     * its pace.
     */
    public Builder rateLimiter(RateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter must not be null");
      return this;
    }

    /**
     * The retry policy (default {@link RetryPolicy#defaults()}; {@link RetryPolicy#none()} for
     * none).
     */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry must not be null (use RetryPolicy.none())");
      return this;
    }

    /**
     * The default temperature reported by {@link LmChain#temperature()} (the transport sends it).
     */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0.0 && temperature <= 2.0)) {
        throw new IllegalArgumentException(
            "temperature must be between 0 and 2, was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /**
     * How the effective request is resolved before the cache (an LM merging its defaults and the
     * Helicone headers of the Context does it here). Default: the Context's Helicone headers
     * layered under the request's own.
     */
    public Builder requestResolver(RequestResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver must not be null");
      return this;
    }

    /** The immutable chain. */
    public LmChain build() {
      return new LmChain(this);
    }
  }
}
