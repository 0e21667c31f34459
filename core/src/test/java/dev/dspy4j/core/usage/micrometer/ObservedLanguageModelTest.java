package dev.dspy4j.core.usage.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.Usage;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ObservedLanguageModelTest {

  private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
  private final ObservationRegistry registry = ObservationRegistry.create();

  ObservedLanguageModelTest() {
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(Observation.Context context) {
                stopped.add(context);
              }
            });
  }

  static LanguageModel fake(Mono<LmResponse> answer, Flux<LmChunk> chunks) {
    return new LanguageModel() {
      @Override
      public String model() {
        return "gpt-4o-mini";
      }

      @Override
      public Mono<LmResponse> complete(LmRequest request) {
        return answer;
      }

      @Override
      public Flux<LmChunk> stream(LmRequest request) {
        return chunks;
      }
    };
  }

  static String low(Observation.Context c, String key) {
    KeyValue kv = c.getLowCardinalityKeyValue(key);
    return kv == null ? null : kv.getValue();
  }

  static String high(Observation.Context c, String key) {
    KeyValue kv = c.getHighCardinalityKeyValue(key);
    return kv == null ? null : kv.getValue();
  }

  @Test
  void aCompletedCallIsOneObservationWithGenAiNamesAndTokens() {
    var lm =
        ObservedLanguageModel.of(
            fake(
                Mono.just(
                    LmResponse.builder(List.of("hi"))
                        .usage(new Usage(12, 3, 15))
                        .model("gpt-4o-mini-2024-07-18")
                        .build()),
                Flux.empty()),
            registry);

    StepVerifier.create(lm.call("hello"))
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(stopped).hasSize(1);
    var c = stopped.get(0);
    assertThat(c.getName()).isEqualTo("gen_ai.client.operation.duration");
    assertThat(c.getContextualName()).isEqualTo("chat gpt-4o-mini");
    assertThat(low(c, "gen_ai.operation.name")).isEqualTo("chat");
    assertThat(low(c, "gen_ai.request.model")).isEqualTo("gpt-4o-mini");
    assertThat(low(c, "outcome")).isEqualTo("success");
    assertThat(low(c, "error.type")).isEqualTo("none");
    assertThat(high(c, "gen_ai.usage.input_tokens")).isEqualTo("12");
    assertThat(high(c, "gen_ai.usage.output_tokens")).isEqualTo("3");
    assertThat(high(c, "gen_ai.response.model")).isEqualTo("gpt-4o-mini-2024-07-18");
  }

  @Test
  void theCallersObservationInTheReactorContextIsTheParent() {
    var lm = ObservedLanguageModel.of(fake(Mono.just(LmResponse.of("hi")), Flux.empty()), registry);
    Observation parent = Observation.start("pipeline", registry);

    StepVerifier.create(
            lm.call("hello").contextWrite(ctx -> ctx.put("micrometer.observation", parent)))
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    parent.stop();

    var call =
        stopped.stream()
            .filter(c -> c.getName().equals("gen_ai.client.operation.duration"))
            .findFirst()
            .orElseThrow();
    assertThat(call.getParentObservation()).isSameAs(parent);
  }

  @Test
  void aFailedCallRecordsTheErrorAndItsStatus() {
    var lm =
        ObservedLanguageModel.of(
            fake(
                Mono.error(new RateLimitException("429", 429, null, null, null, null)),
                Flux.empty()),
            registry);

    StepVerifier.create(lm.call("hello"))
        .expectError(RateLimitException.class)
        .verify(Duration.ofSeconds(5));

    var c = stopped.get(0);
    assertThat(low(c, "outcome")).isEqualTo("error");
    assertThat(low(c, "error.type")).isEqualTo("429");
    assertThat(c.getError()).isInstanceOf(RateLimitException.class);
  }

  @Test
  void aCancelledStreamStopsItsObservationAsCancelled() {
    var lm =
        ObservedLanguageModel.of(
            fake(Mono.never(), Flux.concat(Flux.just(LmChunk.ofText("Hel")), Flux.never())),
            registry);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hello")))
        .expectNextCount(1)
        .thenCancel()
        .verify(Duration.ofSeconds(5));

    assertThat(stopped).hasSize(1);
    assertThat(low(stopped.get(0), "outcome")).isEqualTo("cancelled");
  }

  @Test
  void aStreamTakesItsTokensFromTheUsageChunk() {
    var lm =
        ObservedLanguageModel.of(
            fake(
                Mono.never(), Flux.just(LmChunk.ofText("Hi"), LmChunk.ofUsage(new Usage(7, 2, 9)))),
            registry);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hello")))
        .expectNextCount(2)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(high(stopped.get(0), "gen_ai.usage.input_tokens")).isEqualTo("7");
    assertThat(high(stopped.get(0), "gen_ai.usage.output_tokens")).isEqualTo("2");
    assertThat(low(stopped.get(0), "outcome")).isEqualTo("success");
  }

  @Test
  void theObservationIsStoppedBeforeTheEndReachesTheSubscriber() {
    var lm =
        ObservedLanguageModel.of(
            fake(
                Mono.just(LmResponse.builder(List.of("hi")).finishReason("stop").build()),
                Flux.just(LmChunk.ofText("Hi"), LmChunk.ofUsage(new Usage(7, 2, 9)))),
            registry);
    var seenAtTheEnd = new CopyOnWriteArrayList<Integer>();

    // A caller that reads the metrics as soon as the call ends (block() returning) finds them.
    lm.stream(LmRequest.ofUser("hello"))
        .doOnComplete(() -> seenAtTheEnd.add(stopped.size()))
        .blockLast(Duration.ofSeconds(5));
    lm.complete(LmRequest.ofUser("hello"))
        .doOnNext(r -> seenAtTheEnd.add(stopped.size()))
        .block(Duration.ofSeconds(5));

    assertThat(seenAtTheEnd).containsExactly(1, 2);
  }
}
