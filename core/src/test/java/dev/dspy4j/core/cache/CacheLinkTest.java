package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.cache.internal.InFlightCalls;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class CacheLinkTest {

  private static final String MODEL = "gpt-4o-mini";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LmCache cache = DefaultLmCache.builder().build();
  private final FakeNetwork network = new FakeNetwork();
  private final LmRequest request = LmRequest.ofUser("What is 2+2?");

  private Mono<LmResponse> complete(
      LmRequest r, java.util.function.Supplier<Mono<LmResponse>> net) {
    return ChainCache.complete(cache, MODEL, r, true, net);
  }

  @Test
  void secondIdenticalCallSendsNothingAndReturnsAHitWithoutUsageOrHeaders() {
    LmResponse sent = FakeNetwork.answer("4");

    StepVerifier.create(complete(request, network.replying(sent)))
        .assertNext(
            r -> {
              assertThat(r.cacheHit()).isFalse();
              assertThat(r.usage()).isEqualTo(new Usage(10, 5, 15));
              assertThat(r.header("Helicone-Id")).contains("req-1");
            })
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(complete(request, network.replying(sent)))
        .assertNext(
            r -> {
              assertThat(r.texts()).containsExactly("4");
              assertThat(r.cacheHit()).isTrue();
              assertThat(r.usage()).isEqualTo(Usage.ZERO);
              assertThat(r.headers().isEmpty()).isTrue();
              assertThat(r.finishReason()).contains("stop");
              assertThat(r.model()).contains("gpt-4o-mini");
            })
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(network.calls).hasValue(1);
  }

  @Test
  void callsDifferingOnlyInTracingHeadersShareTheEntry() {
    complete(
            request.withHeader("Helicone-Session-Id", "a"),
            network.replying(FakeNetwork.answer("4")))
        .block(TIMEOUT);
    LmResponse second =
        complete(
                request.withHeader("Helicone-Session-Id", "b"),
                network.replying(FakeNetwork.answer("5")))
            .block(TIMEOUT);
    assertThat(second.text()).isEqualTo("4");
    assertThat(network.calls).hasValue(1);
  }

  @Test
  void lmCacheSwitchOffBypassesLookupAndStore() {
    var net = network.replying(FakeNetwork.answer("4"));
    complete(request, net).block(TIMEOUT); // stored
    LmResponse r = ChainCache.complete(cache, MODEL, request, false, net).block(TIMEOUT);
    assertThat(r.cacheHit()).isFalse();
    assertThat(network.calls).hasValue(2);

    LmRequest other = LmRequest.ofUser("never stored");
    ChainCache.complete(cache, MODEL, other, false, net).block(TIMEOUT);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, other))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void perCallCacheFalseBypassesLookupStoreAndCoalescing() {
    var net = network.replying(FakeNetwork.answer("4"), Duration.ofMillis(200));
    LmRequest uncached = request.withCache(false);
    List<LmResponse> both =
        Flux.merge(complete(uncached, net), complete(uncached, net)).collectList().block(TIMEOUT);
    assertThat(both).extracting(LmResponse::cacheHit).containsExactly(false, false);
    assertThat(network.calls).hasValue(2);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void failureIsNotCachedAndTheNextCallSendsAgain() {
    StepVerifier.create(
            complete(
                request,
                network.failing(
                    new ServerException("boom", 500, null, null, null, null), Duration.ZERO)))
        .expectError(ServerException.class)
        .verify(TIMEOUT);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
    StepVerifier.create(complete(request, network.replying(FakeNetwork.answer("4"))))
        .assertNext(r -> assertThat(r.cacheHit()).isFalse())
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(network.calls).hasValue(2);
  }

  @Test
  void hundredConcurrentIdenticalCallsMakeOneNetworkCall() throws InterruptedException {
    var net = network.replying(FakeNetwork.answer("4"), Duration.ofMillis(500));
    var results = Collections.synchronizedList(new ArrayList<LmResponse>());
    var done = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      complete(request, net)
          .subscribeOn(Schedulers.parallel())
          .doFinally(s -> done.countDown())
          .subscribe(results::add);
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(network.calls).hasValue(1);
    assertThat(results).hasSize(100).allSatisfy(r -> assertThat(r.texts()).containsExactly("4"));
    // Exactly one caller reports the real usage; the others got it as a hit, so usage counts once.
    assertThat(results).filteredOn(r -> !r.cacheHit()).hasSize(1);
    assertThat(InFlightCalls.of(cache).size()).isZero();
  }

  @Test
  void cancelledWaiterDoesNotCancelTheOthers() {
    Sinks.One<LmResponse> server = Sinks.one();
    var net = network.answeringFrom(server);

    var first = complete(request, net).subscribe(); // starts the network call
    StepVerifier.create(complete(request, net))
        .then(first::dispose) // the caller that started it leaves
        .then(() -> server.tryEmitValue(FakeNetwork.answer("4")))
        .assertNext(r -> assertThat(r.texts()).containsExactly("4"))
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(network.calls).hasValue(1);
    assertThat(network.cancels).hasValue(0);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request)))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void networkCallIsCancelledWhenTheLastWaiterLeaves() {
    var net = network.replying(FakeNetwork.answer("4"), Duration.ofSeconds(30));
    var a = complete(request, net).subscribe();
    StepVerifier.create(complete(request, net))
        .expectSubscription()
        .then(a::dispose)
        .thenCancel()
        .verify(TIMEOUT);

    assertThat(network.calls).hasValue(1);
    assertThat(network.cancels).hasValue(1);
    assertThat(InFlightCalls.of(cache).size()).isZero();
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void failureReachesEveryWaiterAndIsNotCached() {
    Sinks.One<LmResponse> server = Sinks.one();
    var net = network.answeringFrom(server);
    var outcomes = new ArrayList<CompletableFuture<LmResponse>>();
    for (int i = 0; i < 3; i++) outcomes.add(complete(request, net).toFuture());
    server.tryEmitError(new RateLimitException("slow down", 429, null, null, null, null));

    assertThat(outcomes)
        .allSatisfy(
            f ->
                assertThat(f)
                    .failsWithin(TIMEOUT)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(RateLimitException.class));
    assertThat(network.calls).hasValue(1);

    StepVerifier.create(complete(request, network.replying(FakeNetwork.answer("4"))))
        .assertNext(r -> assertThat(r.cacheHit()).isFalse())
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(network.calls).hasValue(2);
  }

  @Test
  void networkCallRunsInTheContextOfTheCallerThatStartedIt() {
    Mono<LmResponse> contextual =
        Mono.deferContextual(ctx -> Mono.just(LmResponse.of(ctx.getOrDefault("who", "nobody"))));
    StepVerifier.create(
            complete(request, () -> contextual).contextWrite(ctx -> ctx.put("who", "first")))
        .assertNext(r -> assertThat(r.text()).isEqualTo("first"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  // ---- streaming ----

  @Test
  void streamHitReplaysOneChunkPerChoice() {
    complete(request, network.replying(FakeNetwork.answer("4", "four"))).block(TIMEOUT);
    StepVerifier.create(
            ChainCache.stream(cache, MODEL, request, true, network.streaming(Flux.never())))
        .expectNext(LmChunk.cacheReplay(0, "4", "stop"), LmChunk.cacheReplay(1, "four", null))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(network.calls).hasValue(1);
  }

  @Test
  void streamMissPassesChunksThroughAsTheyArriveThenStoresTheAssembledAnswer() {
    Sinks.Many<LmChunk> server = Sinks.many().unicast().onBackpressureBuffer();
    LmChunk hello = LmChunk.of(0, "Hel", null, null, null);
    LmChunk world = LmChunk.of(0, "lo", null, "stop", null);
    LmChunk usage = LmChunk.ofUsage(new Usage(3, 2, 5));

    StepVerifier.create(
            ChainCache.stream(cache, MODEL, request, true, network.streaming(server.asFlux())))
        .then(() -> server.tryEmitNext(hello))
        .expectNext(hello) // arrives before the server sent anything else: no buffering
        .then(() -> server.tryEmitNext(world))
        .expectNext(world)
        .then(
            () -> {
              server.tryEmitNext(usage);
              server.tryEmitComplete();
            })
        .expectNext(usage)
        .expectComplete()
        .verify(TIMEOUT);

    StepVerifier.create(complete(request, network.replying(FakeNetwork.answer("unused"))))
        .assertNext(
            r -> {
              assertThat(r.texts()).containsExactly("Hello");
              assertThat(r.finishReason()).contains("stop");
              assertThat(r.cacheHit()).isTrue();
            })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(network.calls).hasValue(1);
  }

  @Test
  void streamCancelledMidwayStoresNothingAndClosesTheNetworkStream() {
    Sinks.Many<LmChunk> server = Sinks.many().unicast().onBackpressureBuffer();
    StepVerifier.create(
            ChainCache.stream(cache, MODEL, request, true, network.streaming(server.asFlux())))
        .then(() -> server.tryEmitNext(LmChunk.ofText("partial")))
        .expectNextCount(1)
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(network.cancels).hasValue(1);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void streamErrorIsPassedOnAndNothingIsStored() {
    Flux<LmChunk> broken =
        Flux.just(LmChunk.ofText("half"))
            .concatWith(Flux.error(new ServerException("cut", 0, null, null, null, null)));
    StepVerifier.create(ChainCache.stream(cache, MODEL, request, true, network.streaming(broken)))
        .expectNext(LmChunk.ofText("half"))
        // After text, the chain's retry link reports it as an interruption carrying the partial
        // text.
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(StreamInterruptedException.class)
                    .hasCauseInstanceOf(ServerException.class))
        .verify(TIMEOUT);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void concurrentStreamsShareOneNetworkCallAndLateComersGetTheReplay() {
    Sinks.Many<LmChunk> server = Sinks.many().unicast().onBackpressureBuffer();
    var net = network.streaming(server.asFlux());
    Flux<LmChunk> leader = ChainCache.stream(cache, MODEL, request, true, net);
    Flux<LmChunk> follower = ChainCache.stream(cache, MODEL, request, true, net);
    Mono<LmResponse> plain = complete(request, network.replying(FakeNetwork.answer("unused")));

    var leaderChunks = leader.collectList().toFuture();
    var followerChunks = follower.collectList().toFuture();
    var plainAnswer = plain.toFuture();
    server.tryEmitNext(LmChunk.ofText("4"));
    server.tryEmitNext(LmChunk.of(0, "2", null, "stop", null));
    server.tryEmitComplete();

    assertThat(leaderChunks.join()).extracting(LmChunk::text).containsExactly("4", "2");
    assertThat(followerChunks.join()).containsExactly(LmChunk.cacheReplay(0, "42", "stop"));
    assertThat(plainAnswer.join().text()).isEqualTo("42");
    assertThat(network.calls).hasValue(1);
  }

  @Test
  void streamJoiningAPlainCallInFlightGetsItsAnswerAsReplay() {
    Sinks.One<LmResponse> server = Sinks.one();
    var plain = complete(request, network.answeringFrom(server)).toFuture();
    var streamed =
        ChainCache.stream(cache, MODEL, request, true, network.streaming(Flux.never()))
            .collectList()
            .toFuture();
    server.tryEmitValue(FakeNetwork.answer("4"));

    assertThat(plain.join().cacheHit()).isFalse();
    assertThat(streamed.join()).containsExactly(LmChunk.cacheReplay(0, "4", "stop"));
    assertThat(network.calls).hasValue(1);
  }

  @Test
  void streamLeaderCancellingDoesNotCancelTheFollower() {
    Sinks.Many<LmChunk> server = Sinks.many().unicast().onBackpressureBuffer();
    var net = network.streaming(server.asFlux());
    var follower = new AtomicReference<CompletableFuture<List<LmChunk>>>();

    StepVerifier.create(ChainCache.stream(cache, MODEL, request, true, net))
        .then(() -> server.tryEmitNext(LmChunk.ofText("Hel")))
        .expectNext(LmChunk.ofText("Hel"))
        // a second identical stream joins while the first is in flight
        .then(
            () ->
                follower.set(
                    ChainCache.stream(cache, MODEL, request, true, net).collectList().toFuture()))
        .thenCancel()
        .verify(TIMEOUT);
    server.tryEmitNext(LmChunk.ofText("lo"));
    server.tryEmitComplete();

    assertThat(follower.get().join()).containsExactly(LmChunk.cacheReplay(0, "Hello", null));
    assertThat(network.cancels).hasValue(0);
    assertThat(network.calls).hasValue(1);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request)))
        .assertNext(r -> assertThat(r.text()).isEqualTo("Hello"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void streamIsCancelledWhenTheLeaderAndEveryFollowerLeft() {
    Sinks.Many<LmChunk> server = Sinks.many().unicast().onBackpressureBuffer();
    var net = network.streaming(server.asFlux());
    var follower = new AtomicReference<reactor.core.Disposable>();

    StepVerifier.create(ChainCache.stream(cache, MODEL, request, true, net))
        .then(() -> server.tryEmitNext(LmChunk.ofText("Hel")))
        .expectNext(LmChunk.ofText("Hel"))
        .then(
            () ->
                follower.set(
                    complete(request, network.replying(LmResponse.of("unused"))).subscribe()))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(network.cancels).hasValue(0);
    follower.get().dispose();

    assertThat(network.cancels).hasValue(1);
    assertThat(InFlightCalls.of(cache).size()).isZero();
  }

  @Test
  void streamWithCacheOffPassesThroughAndStoresNothing() {
    var net = network.streaming(Flux.just(LmChunk.ofText("4")));
    StepVerifier.create(ChainCache.stream(cache, MODEL, request.withCache(false), true, net))
        .expectNext(LmChunk.ofText("4"))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(cache.get(CacheKey.of(MODEL, request))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void failingCacheIsAMissAndNeverFailsTheCall() {
    LmCache broken =
        new LmCache() {
          @Override
          public Mono<LmResponse> get(CacheKey key) {
            return Mono.error(new IllegalStateException("cache down"));
          }

          @Override
          public Mono<Void> put(CacheKey key, LmResponse response) {
            return Mono.error(new IllegalStateException("cache down"));
          }
        };
    StepVerifier.create(
            ChainCache.complete(
                broken, MODEL, request, true, network.replying(FakeNetwork.answer("4"))))
        .assertNext(r -> assertThat(r.text()).isEqualTo("4"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void nullArgumentsAreRejectedAtOnce() {
    assertThatThrownBy(() -> dev.dspy4j.core.lm.LmChain.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("transport must not be null");
    assertThatThrownBy(
            () ->
                ChainCache.complete(
                    null, MODEL, request, true, network.replying(LmResponse.of("x"))))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("cacheStore must not be null");
    assertThatThrownBy(() -> ChainCache.stream(cache, MODEL, request, true, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("network must not be null");
  }
}
