package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class DummyLMTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void answersInSequenceFormattedWithChatMarkersAndRecordsRequests() {
    var lm = DummyLM.of(List.of(Map.of("answer", "red"), Map.of("answer", List.of("a", "b"))));
    StepVerifier.create(lm.call("first"))
        .expectNext(List.of("[[ ## answer ## ]]\nred\n\n[[ ## completed ## ]]"))
        .verifyComplete();
    StepVerifier.create(lm.call("second"))
        .expectNext(List.of("[[ ## answer ## ]]\n[\"a\", \"b\"]\n\n[[ ## completed ## ]]"))
        .verifyComplete();
    StepVerifier.create(lm.call("third"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no scripted answer left (2 given, call 3)"))
        .verify(TIMEOUT);
    assertThat(lm.requests())
        .extracting(r -> r.messages().get(0).content())
        .containsExactly("first", "second", "third");
  }

  @Test
  void answersByMatchingTheLastMessage() {
    var lm =
        DummyLM.byInput(
            Map.of("sky", Map.of("answer", "blue"), "grass", Map.of("answer", "green")));
    StepVerifier.create(lm.call("What color is the grass?"))
        .expectNext(List.of("[[ ## answer ## ]]\ngreen\n\n[[ ## completed ## ]]"))
        .verifyComplete();
    StepVerifier.create(lm.call("What color is the sky?"))
        .expectNextMatches(t -> t.get(0).contains("blue"))
        .verifyComplete();
  }

  @Test
  void streamsSmallTokensThenAFinishAndUsageChunk() {
    var lm = DummyLM.builder().text("abcdefg").tokenSize(3).usage(new Usage(1, 2, 3)).build();
    StepVerifier.create(lm.stream(LmRequest.ofUser("x")))
        .expectNext(LmChunk.ofText("abc"), LmChunk.ofText("def"), LmChunk.ofText("g"))
        .expectNext(LmChunk.of(0, "", null, "stop", null))
        .expectNext(LmChunk.ofUsage(new Usage(1, 2, 3)))
        .verifyComplete();
  }

  @Test
  void cacheHitsReplayWholeAnswersWithoutUsage() {
    var lm =
        DummyLM.builder()
            .text("hello")
            .text("hello")
            .cacheHit(true)
            .usage(new Usage(1, 2, 3))
            .build();
    StepVerifier.create(lm.stream(LmRequest.ofUser("x")))
        .expectNext(LmChunk.cacheReplay(0, "hello", "stop"))
        .verifyComplete();
    StepVerifier.create(lm.complete(LmRequest.ofUser("x")))
        .assertNext(
            r -> {
              assertThat(r.cacheHit()).isTrue();
              assertThat(r.usage()).isEqualTo(Usage.ZERO);
            })
        .verifyComplete();
  }

  @Test
  void nChoicesTakeOneScriptedAnswerEach() {
    var lm = DummyLM.ofTexts("one", "two");
    StepVerifier.create(lm.complete(LmRequest.ofUser("x").withN(2)))
        .assertNext(r -> assertThat(r.texts()).containsExactly("one", "two"))
        .verifyComplete();
  }

  @Test
  void itIsAChainLikeTheRealLmRecordingHistoryAndUsageWithTheCacheOffByDefault() {
    // Unique prompts: the process-wide cache (Dspy.cache()) is shared with other tests.
    String same = "same " + java.util.UUID.randomUUID();
    String q = "q " + java.util.UUID.randomUUID();
    {
      var lm =
          DummyLM.builder().text("one").text("two").text("three").usage(new Usage(4, 1, 5)).build();
      var tracker = dev.dspy4j.core.usage.UsageTracker.create();

      StepVerifier.create(lm.call(same).contextWrite(tracker.context()))
          .expectNext(List.of("one"))
          .verifyComplete();
      // The cache is off: the same request is answered again from the script, not replayed.
      StepVerifier.create(
              lm.tokens(same).contextWrite(tracker.context()).reduce("", String::concat))
          .expectNext("two")
          .verifyComplete();

      assertThat(lm.history().entries())
          .extracting(e -> e.outputs().get(0))
          .containsExactly("one", "two");
      assertThat(tracker.total().calls()).isEqualTo(2);
      assertThat(tracker.total().totalTokens()).isEqualTo(10);

      // With the cache switched on, a repeated call is a hit, recorded as one.
      var cached = DummyLM.builder().text("x").cache(true).build();
      cached.call(q).block(TIMEOUT);
      StepVerifier.create(cached.complete(LmRequest.ofUser(q)))
          .expectNextMatches(r -> r.cacheHit())
          .verifyComplete();
      assertThat(cached.requests()).hasSize(1);
      assertThat(cached.history().entries().get(1).cacheHit()).isTrue();
    }
  }
}
