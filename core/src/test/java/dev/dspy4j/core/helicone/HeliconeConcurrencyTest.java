package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class HeliconeConcurrencyTest {

  private static final int PIPELINES = 1_000;

  @Test
  void aThousandConcurrentPipelinesEachSendOnlyTheirOwnHeaders() {
    var lm = new RecordingLanguageModel();

    // Each pipeline: its own session/user/property written where it "enters", then a hop to the
    // parallel scheduler, a flatMap, and two LM calls (one nested under a child path).
    Flux<String> all =
        Flux.range(0, PIPELINES)
            .flatMap(
                i ->
                    Mono.just(i)
                        .publishOn(Schedulers.parallel())
                        .flatMap(
                            n ->
                                lm.complete(LmRequest.ofUser("retrieve-" + n))
                                    .contextWrite(Helicone.childPath("retrieve"))
                                    .publishOn(Schedulers.parallel())
                                    .then(lm.complete(LmRequest.ofUser("answer-" + n))))
                        .map(r -> r.text())
                        .contextWrite(Helicone.property("Pipeline", Integer.toString(i)))
                        .contextWrite(Helicone.user("user-" + i))
                        .contextWrite(Helicone.session("session-" + i, "Load", "/load/" + i)),
                256);

    Set<String> answers = all.collect(Collectors.toSet()).block(Duration.ofMinutes(2));

    assertThat(answers).hasSize(PIPELINES);
    assertThat(lm.sent()).hasSize(2 * PIPELINES);
    assertThat(lm.sent())
        .allSatisfy(
            sent -> {
              String[] parts = sent.prompt().split("-");
              String step = parts[0];
              String n = parts[1];
              String expectedPath =
                  step.equals("retrieve") ? "/load/" + n + "/retrieve" : "/load/" + n;
              assertThat(sent.headers())
                  .isEqualTo(
                      Map.of(
                          "Helicone-Session-Id",
                          "session-" + n,
                          "Helicone-Session-Name",
                          "Load",
                          "Helicone-Session-Path",
                          expectedPath,
                          "Helicone-User-Id",
                          "user-" + n,
                          "Helicone-Property-Pipeline",
                          n));
            });
    // The calls really ran on several threads, so the absence of cross-talk means something.
    assertThat(lm.sent().stream().map(RecordingLanguageModel.Sent::thread).distinct().count())
        .isGreaterThan(1);
  }
}
