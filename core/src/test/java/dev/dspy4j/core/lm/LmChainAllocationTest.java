package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracker;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The per-token path of a streamed chain call (cache off, no limiter, as the bench runs it)
 * allocates nothing per chunk beyond the chunk and its text: the chunks here are built beforehand,
 * so what is measured is the chain's own bookkeeping (retry link, the one record operator, the
 * accumulated text).
 */
class LmChainAllocationTest {

  private static final int CHUNKS = 200_000;

  @Test
  void streamingThroughTheChainAllocatesAlmostNothingPerChunk() {
    var chunks = new LmChunk[CHUNKS + 1];
    for (int i = 0; i < CHUNKS; i++) {
      chunks[i] = LmChunk.ofText("tok");
    }
    chunks[CHUNKS] = LmChunk.ofUsage(new Usage(10, CHUNKS, CHUNKS + 10));
    LmTransport prebuilt =
        new LmTransport() {
          @Override
          public String model() {
            return "prebuilt";
          }

          @Override
          public Mono<LmResponse> send(LmRequest effective) {
            return Mono.error(new UnsupportedOperationException());
          }

          @Override
          public Flux<LmChunk> sendStream(LmRequest effective) {
            return Flux.fromArray(chunks);
          }
        };
    LanguageModel lm = LmChain.builder(prebuilt).cache(false).history(LmHistory.disabled()).build();
    var tracker = UsageTracker.create();
    var request = LmRequest.ofUser("hi");

    for (int i = 0; i < 5; i++) {
      run(lm, request, tracker); // warm-up: let the JIT compile the path
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    long received = run(lm, request, tracker);
    long allocated = threads.getThreadAllocatedBytes(id) - before;

    double perChunk = (double) allocated / CHUNKS;
    System.out.printf(
        "CHAIN-ALLOCATION %d chunks: %d bytes, %.1f bytes per chunk (the accumulated text included)%n",
        CHUNKS, allocated, perChunk);
    assertThat(received).isEqualTo(CHUNKS + 1);
    assertThat(tracker.total().completionTokens()).isEqualTo(6L * CHUNKS);
    // Choice 0's text is kept for the partial text of an interruption: a StringBuilder of 3 chars
    // per
    // chunk (2 bytes per char, doubled as it grows) is about 12 bytes per chunk; anything per-chunk
    // beyond that (an object per chunk is 16+ bytes) would push it past the bound (24: room for JIT
    // noise).
    assertThat(perChunk).isLessThan(24.0);
  }

  private static long run(LanguageModel lm, LmRequest request, UsageTracker tracker) {
    var counter =
        new CoreSubscriber<LmChunk>() {
          long count;
          Context context = Context.of(tracker.context().apply(Context.empty()));

          @Override
          public Context currentContext() {
            return context;
          }

          @Override
          public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(LmChunk chunk) {
            count++;
          }

          @Override
          public void onError(Throwable t) {
            throw new AssertionError(t);
          }

          @Override
          public void onComplete() {}
        };
    lm.stream(request).subscribe(counter);
    return counter.count;
  }
}
