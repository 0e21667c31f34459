package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

class HeliconeContextTest {

  private final RecordingLanguageModel lm = new RecordingLanguageModel();

  private Mono<LmResponse> ask(String prompt) {
    return lm.complete(LmRequest.of(List.of(Message.user(prompt))));
  }

  private Map<String, String> onlySentHeaders() {
    assertThat(lm.sent()).hasSize(1);
    return lm.sent().get(0).headers();
  }

  @Test
  void headersFromContextWriteReachTheCall() {
    StepVerifier.create(
            ask("q")
                .contextWrite(Helicone.session("s-1", "Customer Support", "/support/chat"))
                .contextWrite(Helicone.user("user-123"))
                .contextWrite(Helicone.property("Environment", "production")))
        .expectNextCount(1)
        .verifyComplete();

    assertThat(onlySentHeaders())
        .containsExactly(
            entry("Helicone-Session-Id", "s-1"),
            entry("Helicone-Session-Name", "Customer Support"),
            entry("Helicone-Session-Path", "/support/chat"),
            entry("Helicone-User-Id", "user-123"),
            entry("Helicone-Property-Environment", "production"));
  }

  @Test
  void headersReadDirectlyFromTheContextAreTheWrittenOnes() {
    StepVerifier.create(
            Mono.deferContextual(ctx -> Mono.just(Helicone.headers(ctx).asMap()))
                .contextWrite(Helicone.user("u-7"))
                .contextWrite(Helicone.property("Module", "chain-of-thought")))
        .expectNext(
            Map.of("Helicone-User-Id", "u-7", "Helicone-Property-Module", "chain-of-thought"))
        .verifyComplete();
  }

  @Test
  void innermostWriteWinsForTheSameHeader() {
    ask("q")
        .contextWrite(Helicone.user("inner-user")) // closest to the call: applied last
        .contextWrite(Helicone.user("outer-user"))
        .contextWrite(Helicone.session("outer-session", "Outer", "/outer"))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders())
        .containsEntry("Helicone-User-Id", "inner-user")
        .containsEntry("Helicone-Session-Id", "outer-session");
  }

  @Test
  void innerSessionReplacesOuterSession() {
    ask("q")
        .contextWrite(Helicone.session("inner", "Inner", "/inner"))
        .contextWrite(Helicone.session("outer", "Outer", "/outer"))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders())
        .containsEntry("Helicone-Session-Id", "inner")
        .containsEntry("Helicone-Session-Name", "Inner")
        .containsEntry("Helicone-Session-Path", "/inner");
  }

  @Test
  void propertiesFromSeveralWritesAccumulateAndInnerWinsPerName() {
    ask("q")
        .contextWrite(Helicone.property("Version", "2.0.0"))
        .contextWrite(Helicone.property("Module", "chain-of-thought"))
        .contextWrite(Helicone.property("Environment", "production"))
        .contextWrite(Helicone.property("version", "1.0.0"))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders())
        .containsExactly(
            entry("Helicone-Property-Environment", "production"),
            entry("Helicone-Property-Module", "chain-of-thought"),
            entry("Helicone-Property-Version", "2.0.0"));
  }

  @Test
  void childPathCloserToTheCallThanTheSessionComposesIntoANestedPath() {
    ask("q")
        .contextWrite(Helicone.childPath("answer"))
        .contextWrite(Helicone.session("s", "Support", "/support/chat"))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders()).containsEntry("Helicone-Session-Path", "/support/chat/answer");
  }

  @Test
  void sessionCloserToTheCallThanAChildPathReplacesThePath() {
    // The other order: the session is the inner write, so its absolute path wins.
    ask("q")
        .contextWrite(Helicone.session("s", "Support", "/support/chat"))
        .contextWrite(Helicone.childPath("answer"))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders()).containsEntry("Helicone-Session-Path", "/support/chat");
  }

  @Test
  void nestedChildPathsFormATree() {
    Mono<LmResponse> retrieve = ask("retrieve").contextWrite(Helicone.childPath("retrieve"));
    Mono<LmResponse> answer = ask("answer").contextWrite(Helicone.childPath("answer"));
    retrieve
        .then(answer)
        .contextWrite(Helicone.childPath("chat"))
        .contextWrite(Helicone.session("s", "Customer Support", "support"))
        .block(Duration.ofSeconds(10));

    assertThat(lm.sent())
        .extracting(s -> s.prompt() + " " + s.headers().get("Helicone-Session-Path"))
        .containsExactly("retrieve /support/chat/retrieve", "answer /support/chat/answer");
  }

  @Test
  void childPathWithNoSessionPathStartsAtTheRoot() {
    ask("q")
        .contextWrite(Helicone.childPath("retrieve"))
        .contextWrite(Helicone.with(HeliconeHeaders.builder().sessionId("s-1").build()))
        .block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders())
        .containsExactly(
            entry("Helicone-Session-Id", "s-1"), entry("Helicone-Session-Path", "/retrieve"));
  }

  @Test
  void childPathWithNoSessionAtAllSendsNoSessionPath() {
    // Issue 21, point 9: a Helicone-Session-Path without a Helicone-Session-Id belongs to no
    // session.
    ask("q").contextWrite(Helicone.childPath("retrieve")).block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders()).isEmpty();
  }

  @Test
  void childPathInTheContextAppendsToTheLmsTypedDefaultPath() {
    var withDefaults =
        new RecordingLanguageModel(
            Map.of(),
            HeliconeHeaders.builder().session("s", "Support", "/support/chat").build(),
            0);
    withDefaults
        .complete(LmRequest.ofUser("q"))
        .contextWrite(Helicone.childPath("answer"))
        .block(Duration.ofSeconds(10));

    assertThat(withDefaults.sent().get(0).headers())
        .containsEntry("Helicone-Session-Path", "/support/chat/answer");
  }

  @Test
  void childPathInTheContextAppendsToTheLmsRawDefaultPath() {
    // The seed page's pattern: session headers as raw extra headers on the LM.
    var withRawDefaults =
        new RecordingLanguageModel(
            Map.of("Helicone-Session-Id", "s", "Helicone-Session-Path", "/support/chat"),
            HeliconeHeaders.empty(),
            0);
    withRawDefaults
        .complete(LmRequest.ofUser("q"))
        .contextWrite(Helicone.childPath("retrieve"))
        .block(Duration.ofSeconds(10));

    assertThat(withRawDefaults.sent().get(0).headers())
        .containsEntry("Helicone-Session-Id", "s")
        .containsEntry("Helicone-Session-Path", "/support/chat/retrieve");
  }

  @Test
  void contextWinsOverLmDefaultsAndTheRequestsOwnHeadersWinOverTheContext() {
    var withDefaults =
        new RecordingLanguageModel(
            Map.of(
                "helicone-user-id", "lm-default-user", "Helicone-Property-Environment", "staging"),
            HeliconeHeaders.builder().property("Module", "predict").build(),
            0);
    withDefaults
        .complete(LmRequest.ofUser("q").withHeader("Helicone-Property-Module", "per-call"))
        .contextWrite(Helicone.user("context-user"))
        .contextWrite(Helicone.property("Module", "context"))
        .block(Duration.ofSeconds(10));

    Map<String, String> sent = withDefaults.sent().get(0).headers();
    assertThat(sent)
        .containsEntry("Helicone-User-Id", "context-user")
        .containsEntry("Helicone-Property-Environment", "staging")
        .containsEntry("Helicone-Property-Module", "per-call")
        .hasSize(3);
  }

  @Test
  void aPipelineWithoutContextWriteSendsNoHeliconeHeadersEvenAfterOthersRan() {
    ask("with")
        .contextWrite(Helicone.user("u"))
        .publishOn(Schedulers.parallel())
        .block(Duration.ofSeconds(10));
    ask("without").publishOn(Schedulers.parallel()).block(Duration.ofSeconds(10));

    assertThat(lm.sent())
        .extracting(RecordingLanguageModel.Sent::headers)
        .containsExactly(Map.of("Helicone-User-Id", "u"), Map.of());
  }

  @Test
  void headersSurviveFlatMapAndPublishOnBetweenContextWriteAndCall() {
    StepVerifier.create(
            Flux.range(1, 3)
                .publishOn(Schedulers.parallel())
                .flatMap(i -> ask("q" + i).subscribeOn(Schedulers.boundedElastic()))
                .contextWrite(Helicone.session("s", "Batch", "/batch")))
        .expectNextCount(3)
        .verifyComplete();

    assertThat(lm.sent())
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.headers()).containsEntry("Helicone-Session-Id", "s"));
  }

  @Test
  void aRetryKeepsTheSameHeadersAndRequestId() {
    var flaky = new RecordingLanguageModel(Map.of(), HeliconeHeaders.empty(), 2);
    UUID requestId = UUID.randomUUID();

    StepVerifier.create(
            flaky
                .complete(LmRequest.ofUser("q"))
                .retry(2)
                .contextWrite(Helicone.requestId(requestId))
                .contextWrite(Helicone.newSession("Support", "/support")))
        .expectNextMatches(r -> r.text().equals("q"))
        .verifyComplete();

    assertThat(flaky.sent()).hasSize(3);
    assertThat(flaky.sent())
        .extracting(RecordingLanguageModel.Sent::headers)
        .containsOnly(flaky.sent().get(0).headers());
    assertThat(flaky.sent().get(0).headers())
        .containsEntry("Helicone-Request-Id", requestId.toString());
  }

  @Test
  void newSessionDrawsAFreshVersion4IdForEachSubscription() {
    Mono<LmResponse> pipeline =
        ask("q").contextWrite(Helicone.newSession("Support", "support/chat"));
    pipeline.block(Duration.ofSeconds(10));
    pipeline.block(Duration.ofSeconds(10));

    List<String> ids =
        lm.sent().stream()
            .map(s -> s.headers().get("Helicone-Session-Id"))
            .collect(Collectors.toList());
    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
    assertThat(ids).allSatisfy(id -> assertThat(UUID.fromString(id).version()).isEqualTo(4));
    assertThat(lm.sent())
        .allSatisfy(
            s ->
                assertThat(s.headers())
                    .containsEntry("Helicone-Session-Name", "Support")
                    .containsEntry("Helicone-Session-Path", "/support/chat"));
  }

  @Test
  void withPutsAWholeTypedSetInTheContext() {
    var headers =
        HeliconeHeaders.builder()
            .session("s", "QA", "/qa")
            .userId("u")
            .cache(CacheMode.READ_WRITE)
            .rateLimitPolicy(
                RateLimitPolicy.requests(10).per(Duration.ofMinutes(1)).segmentByUser())
            .build();
    ask("q").contextWrite(Helicone.with(headers)).block(Duration.ofSeconds(10));

    assertThat(onlySentHeaders()).isEqualTo(headers.toMap());
  }

  @Test
  void currentReturnsEmptyHeadersForAnEmptyContext() {
    assertThat(Helicone.current(Context.empty())).isEqualTo(HeliconeHeaders.empty());
    assertThat(Helicone.headers(Context.empty()).isEmpty()).isTrue();
  }

  @Test
  void cancellingTheCallBeforeItAnswersSendsNothingFurther() {
    Mono<LmResponse> slow =
        Mono.delay(Duration.ofSeconds(30)).then(ask("late")).contextWrite(Helicone.user("u"));

    StepVerifier.create(slow).expectSubscription().thenCancel().verify(Duration.ofSeconds(10));

    assertThat(lm.sent()).isEmpty();
  }
}
