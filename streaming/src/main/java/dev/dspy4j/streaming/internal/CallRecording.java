package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracking;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Records each completed LM call once, after the cache and the retries: its usage into the
 * {@code UsageTracker}s of the caller's Reactor Context ({@link UsageTracking}), and the call itself
 * into the LM's {@link LmHistory}. A cache hit counts as a call with zero tokens. A failed or
 * cancelled call records nothing in the history (its usage is unknown).
 */
public final class CallRecording {

  private CallRecording() {}

  /** {@code call} recording its response when it is emitted; errors and cancels as {@code call}. */
  public static Mono<LmResponse> complete(
      Mono<LmResponse> call, ContextView context, String model, LmRequest effective, LmHistory history) {
    return call.doOnNext(response -> {
      UsageTracking.record(context, model, response);
      history.record(model, effective, response);
    });
  }

  /**
   * {@code call}'s chunks, unchanged. Usage is recorded at the usage chunk (or at the first cache
   * replay chunk, as a hit; or at completion with no tokens when neither came). The history entry is
   * assembled from the chunks (texts per choice, finish reason, usage) and recorded at completion.
   */
  public static Flux<LmChunk> stream(
      Flux<LmChunk> call, ContextView context, String model, LmRequest effective, LmHistory history) {
    return Flux.defer(() -> {
      var state = new StreamState(history.isEnabled());
      return call
          .doOnNext(chunk -> {
            if (!state.usageRecorded && chunk.usage().isPresent()) {
              state.usageRecorded = true;
              UsageTracking.record(context, model, chunk.usage().get(), false);
            } else if (!state.usageRecorded && chunk.cacheHit()) {
              state.usageRecorded = true;
              UsageTracking.record(context, model, Usage.ZERO, true);
            }
            state.add(chunk);
          })
          .doOnComplete(() -> {
            if (!state.usageRecorded) {
              state.usageRecorded = true;
              UsageTracking.record(context, model, Usage.ZERO, false);
            }
            if (history.isEnabled()) {
              history.record(model, effective, state.response());
            }
          });
    });
  }

  /** What one stream delivered; signals are serialised, so plain fields suffice. */
  private static final class StreamState {
    private final boolean assemble;
    /** Choice 0's text (nearly every stream has only that one), then the other choices' texts. */
    private final StringBuilder first = new StringBuilder();
    private boolean firstSeen;
    private final TreeMap<Integer, StringBuilder> texts = new TreeMap<>();
    private Usage usage = Usage.ZERO;
    private boolean cacheHit;
    private @Nullable String finishReason;
    boolean usageRecorded;

    StreamState(boolean assemble) {
      this.assemble = assemble;
    }

    void add(LmChunk chunk) {
      cacheHit |= chunk.cacheHit();
      if (chunk.usage().isPresent()) {
        usage = chunk.usage().get();
      }
      if (!assemble) {
        return;
      }
      if (chunk.index() == 0) {
        firstSeen = true;
        first.append(chunk.text());
      } else {
        texts.computeIfAbsent(chunk.index(), i -> new StringBuilder()).append(chunk.text());
      }
      if (chunk.index() == 0 && chunk.finishReason().isPresent()) {
        finishReason = chunk.finishReason().get();
      }
    }

    LmResponse response() {
      if (firstSeen) {
        texts.put(0, first);
      }
      List<String> outputs = new ArrayList<>(texts.size());
      texts.values().forEach(text -> outputs.add(text.toString()));
      if (outputs.isEmpty()) {
        outputs.add("");
      }
      return LmResponse.builder(outputs).usage(usage).finishReason(finishReason).cacheHit(cacheHit).build();
    }
  }
}
