package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.helicone.CacheStatus;
import dev.dspy4j.core.helicone.HeliconeMetadata;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Prediction.helicone()}: what the gateway said about the LM response. */
class PredictionMetadataTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Answers like the gateway: the text plus Helicone response headers. */
  record GatewayLikeLm(Map<String, String> headers) implements LanguageModel {
    @Override
    public String model() {
      return "gateway";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.just(
          LmResponse.builder(List.of(DummyLM.chatFormat(Map.of("answer", "Paris"))))
              .headers(headers)
              .build());
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.just(LmChunk.ofText(DummyLM.chatFormat(Map.of("answer", "Paris"))));
    }
  }

  @Test
  void aPredictionCarriesTheHeliconeMetadataOfItsResponse() {
    var lm =
        new GatewayLikeLm(
            Map.of(
                "Helicone-Id", "3f1d2c4b-aaaa-4bbb-8ccc-123456789abc",
                "helicone-cache", "HIT",
                "Helicone-Cache-Bucket-Idx", "2",
                "Helicone-RateLimit-Limit", "100",
                "Helicone-RateLimit-Remaining", "97",
                "Helicone-RateLimit-Policy", "100;w=60"));

    Prediction p =
        Predict.of("question -> answer")
            .withLm(lm)
            .call(Map.of("question", "Capital?"))
            .block(TIMEOUT);

    HeliconeMetadata h = p.helicone();
    assertThat(h.requestId()).contains("3f1d2c4b-aaaa-4bbb-8ccc-123456789abc");
    assertThat(h.cacheStatus()).contains(CacheStatus.HIT);
    assertThat(h.cacheBucketIndex()).hasValue(2);
    assertThat(h.rateLimit())
        .hasValueSatisfying(
            r -> {
              assertThat(r.limit()).hasValue(100);
              assertThat(r.remaining()).hasValue(97);
              assertThat(r.policy()).contains("100;w=60");
            });
    assertThat(p.requestId()).as("agrees with helicone()").isEqualTo(h.requestId());
    assertThat(p.cacheHit()).isTrue();
    assertThat(h.cacheHit()).isTrue();
  }

  @Test
  void withoutHeadersTheMetadataIsEmpty() {
    var empty = HeliconeMetadata.from(Map.of());
    Prediction answered =
        Predict.of("question -> answer")
            .withLm(new GatewayLikeLm(Map.of()))
            .call(Map.of("question", "Capital?"))
            .block(TIMEOUT);
    Prediction streamed =
        ((Done)
                Predict.of("question -> answer")
                    .withLm(new GatewayLikeLm(Map.of("Helicone-Id", "x")))
                    .stream(Map.of("question", "Capital?"))
                    .blockLast(TIMEOUT))
            .prediction();

    assertThat(answered.helicone()).isEqualTo(empty);
    assertThat(streamed.helicone()).as("stream chunks carry no headers").isEqualTo(empty);
    assertThat(Prediction.of(Map.of("answer", "x")).helicone()).isEqualTo(empty);
    assertThat(answered.requestId()).isEqualTo(Optional.empty());
    assertThat(answered.cacheHit()).isFalse();
  }
}
