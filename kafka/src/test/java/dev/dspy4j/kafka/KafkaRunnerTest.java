package dev.dspy4j.kafka;

import static dev.dspy4j.kafka.testing.Inputs.bytes;
import static dev.dspy4j.kafka.testing.Inputs.header;
import static dev.dspy4j.kafka.testing.Inputs.json;
import static dev.dspy4j.kafka.testing.Inputs.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.kafka.testing.EmbeddedKafka;
import dev.dspy4j.kafka.testing.Inputs;
import dev.dspy4j.kafka.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner against a real in-process KRaft broker and a loopback gateway. */
class KafkaRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestGateway fast;

  @BeforeAll
  static void startGateway() {
    EmbeddedKafka.bootstrapServers();
    fast = TestGateway.start(Duration.ofMillis(5));
  }

  @AfterAll
  static void stopGateway() {
    fast.close();
  }

  @Test
  void unreadableInputsAndFailedCallsGoToTheFailureTopicAndTheRunGoesOn() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(3, in, out, failed);
    var records = new ArrayList<>(Inputs.questions(in, 30, 3));
    records.add(new ProducerRecord<>(in, 0, bytes("poison"), bytes("not json {")));
    records.add(new ProducerRecord<>(in, 1, bytes("array"), bytes("[1, 2]")));
    records.add(new ProducerRecord<>(in, 2, bytes("tombstone"), null));
    records.add(new ProducerRecord<>(in, 0, bytes("refused"), bytes("{\"question\":\"fail-me\"}")));
    records.addAll(
        Inputs.questions(in, 30, 3).stream()
            .map(
                r ->
                    new ProducerRecord<>(
                        in,
                        r.partition(),
                        bytes("late-" + text(r.key())),
                        bytes("{\"question\":\"late-" + text(r.key()) + "\"}")))
            .toList());
    EmbeddedKafka.send(
        records); // written before the runner starts: a new group reads from the earliest offset

    KafkaRun run = Inputs.runner(fast, group, in, out, failed).concurrency(8).build().start();
    KafkaRunnerProgress p = Inputs.await(run, x -> x.done() == 64, WAIT);
    run.disposeGracefully().block(WAIT);

    assertThat(p.failed()).isEqualTo(4);
    assertThat(p.peakInFlight()).isLessThanOrEqualTo(8);
    var answers = EmbeddedKafka.readAll(out, 60, WAIT);
    assertThat(answers).hasSize(60);
    for (var r : answers) {
      String key = text(r.key());
      String question =
          key.startsWith("late-") ? "late-" + key.substring(5) : "q-" + key.substring(2);
      assertThat(json(r).path("answer").asText()).isEqualTo("answer to " + question);
    }
    var failures = new HashMap<String, ConsumerRecord<byte[], byte[]>>();
    EmbeddedKafka.readAll(failed, 4, WAIT).forEach(r -> failures.put(text(r.key()), r));
    assertThat(failures).containsOnlyKeys("poison", "array", "tombstone", "refused");
    assertThat(json(failures.get("poison")).path("error").path("type").asText())
        .isEqualTo("InvalidInputException");
    assertThat(json(failures.get("poison")).path("error").path("message").asText())
        .contains("not JSON");
    assertThat(json(failures.get("poison")).path("input").asText()).isEqualTo("not json {");
    assertThat(json(failures.get("array")).path("error").path("message").asText())
        .contains("not an object");
    assertThat(json(failures.get("array")).path("input").asText()).isEqualTo("[1, 2]");
    assertThat(json(failures.get("tombstone")).path("input").isNull()).isTrue();
    assertThat(json(failures.get("refused")).path("error").path("type").asText())
        .endsWith("Exception")
        .isNotEqualTo("InvalidInputException");
    assertThat(json(failures.get("refused")).path("error").path("message").asText())
        .contains("400");
    assertThat(json(failures.get("refused")).path("error").path("message").asText())
        .doesNotContain("sk-kafka-test-key");
    assertThat(json(failures.get("refused")).path("input").asText())
        .isEqualTo("{\"question\":\"fail-me\"}");

    // everything is committed: a runner of the same group would start at the end
    assertThat(EmbeddedKafka.committed(group)).isEqualTo(EmbeddedKafka.endOffsets(in, 3));
  }

  @Test
  void sendsHeliconeHeadersFromKafkaHeadersAndADeterministicRequestIdPerRecord() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(1, in, out, failed);
    var headers =
        new RecordHeaders(
            List.of(
                new RecordHeader("Helicone-Session-Id", bytes("session-42")),
                new RecordHeader("Helicone-Session-Name", bytes("Nightly batch")),
                new RecordHeader("helicone-session-path", bytes("/kafka/qa")),
                new RecordHeader("Helicone-User-Id", bytes("user-7")),
                new RecordHeader("Helicone-Property-Source", bytes("kafka-test")),
                new RecordHeader("X-Not-Helicone", bytes("ignored"))));
    EmbeddedKafka.send(
        List.of(
            new ProducerRecord<>(
                in, 0, bytes("a"), bytes("{\"question\":\"with-headers\"}"), headers),
            new ProducerRecord<>(in, 0, bytes("b"), bytes("{\"question\":\"without-headers\"}"))));

    KafkaRun run = Inputs.runner(fast, group, in, out, failed).build().start();
    Inputs.await(run, x -> x.done() == 2, WAIT);
    run.disposeGracefully().block(WAIT);

    var seen = new HashMap<String, Map<String, String>>();
    fast.seen().forEach(s -> seen.put(s.question(), s.helicone()));
    Map<String, String> with = seen.get("with-headers");
    assertThat(with)
        .containsEntry("Helicone-Session-Id", "session-42")
        .containsEntry("Helicone-Session-Name", "Nightly batch")
        .containsEntry("Helicone-Session-Path", "/kafka/qa")
        .containsEntry("Helicone-User-Id", "user-7")
        .containsEntry("Helicone-Property-Source", "kafka-test")
        .containsEntry("Helicone-Request-Id", KafkaRunner.requestId(group, in, 0, 0).toString());
    assertThat(seen.get("without-headers"))
        .containsOnlyKeys("Helicone-Request-Id")
        .containsEntry("Helicone-Request-Id", KafkaRunner.requestId(group, in, 0, 1).toString());
    UUID id = UUID.fromString(with.get("Helicone-Request-Id"));
    assertThat(id.version()).isEqualTo(3);
    assertThat(KafkaRunner.requestId(group, in, 0, 0))
        .isEqualTo(id)
        .isNotEqualTo(KafkaRunner.requestId("other", in, 0, 0));

    var outputs = EmbeddedKafka.readAll(out, 2, WAIT);
    assertThat(outputs).hasSize(2);
    for (var r : outputs) {
      String input = header(r, PollLoop.INPUT_HEADER);
      long offset = Long.parseLong(input.substring(input.lastIndexOf('/') + 1));
      assertThat(input).isEqualTo(in + "/0/" + offset);
      assertThat(header(r, "Helicone-Request-Id"))
          .isEqualTo(KafkaRunner.requestId(group, in, 0, offset).toString());
    }
  }

  @Test
  void disposeDrainsAndCommitsSoTheNextRunnerRepeatsNothing() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(2, in, out, failed);
    EmbeddedKafka.send(Inputs.questions(in, 300, 2));
    try (var slow = TestGateway.start(Duration.ofMillis(50))) {
      KafkaRun first = Inputs.runner(slow, group, in, out, failed).concurrency(16).build().start();
      Inputs.await(first, x -> x.done() >= 40 && x.inFlight() > 0, WAIT);
      first.disposeGracefully().block(WAIT);
      KafkaRunnerProgress stopped = first.progress();
      assertThat(stopped.inFlight()).isZero();
      assertThat(stopped.uncommitted()).isZero();

      // every output written so far is committed, and nothing committed lacks an output
      long committed =
          EmbeddedKafka.committed(group).values().stream().mapToLong(Long::longValue).sum();
      var written = EmbeddedKafka.readAll(out, (int) stopped.done(), WAIT);
      assertThat(written).hasSize((int) stopped.done());
      assertThat(committed).isEqualTo(stopped.done()).isLessThan(300);

      KafkaRun second = Inputs.runner(slow, group, in, out, failed).concurrency(16).build().start();
      Inputs.await(second, x -> x.done() == 300 - committed, WAIT);
      second.disposeGracefully().block(WAIT);
      var all = EmbeddedKafka.readAll(out, 300, WAIT);
      assertThat(all).hasSize(300);
      assertThat(new HashSet<>(all.stream().map(r -> header(r, PollLoop.INPUT_HEADER)).toList()))
          .hasSize(300);
    }
  }

  @Test
  void aSecondRunnerJoiningMidRunTakesPartitionsWithoutRepeatingAnything() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    int records = 600;
    EmbeddedKafka.createTopics(4, in, out, failed);
    EmbeddedKafka.send(Inputs.questions(in, records, 4));
    try (var slow = TestGateway.start(Duration.ofMillis(50))) {
      // about 80 records/s per runner: the work outlasts the rebalance
      KafkaRun first = Inputs.runner(slow, group, in, out, failed).concurrency(4).build().start();
      Inputs.await(first, x -> x.done() >= 40 && x.inFlight() > 0, WAIT);
      // joining now revokes partitions from the first runner while it has records of them in flight
      KafkaRun second = Inputs.runner(slow, group, in, out, failed).concurrency(4).build().start();
      Inputs.await(second, x -> x.assignedPartitions() > 0, WAIT);
      assertThat(first.progress().assignedPartitions()).isBetween(1, 3);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (first.progress().done() + second.progress().done() < records
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      KafkaRunnerProgress a = first.progress(), b = second.progress();
      first.disposeGracefully().block(WAIT);
      second.disposeGracefully().block(WAIT);
      assertThat(b.done()).as("the second runner did part of the work").isPositive();
      assertThat(a.done() + b.done()).isEqualTo(records);
      var all = EmbeddedKafka.readAll(out, records, WAIT);
      assertThat(new HashSet<>(all.stream().map(r -> header(r, PollLoop.INPUT_HEADER)).toList()))
          .hasSize(records);
      assertThat(all)
          .hasSize(records); // no duplicates: revoked records were finished and committed first
    }
  }

  @Test
  void stopsWithAnErrorAndCommitsNothingPastAnOutputThatCannotBeWritten() throws Exception {
    String in = EmbeddedKafka.unique("in"), failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(1, in, failed);
    EmbeddedKafka.send(Inputs.questions(in, 5, 1));
    // the output topic does not exist and the broker does not create topics
    KafkaRun run =
        Inputs.runner(fast, group, in, EmbeddedKafka.unique("missing"), failed)
            .concurrency(1)
            .producerProperty("max.block.ms", 500)
            .build()
            .start();
    assertThatThrownBy(() -> run.terminated().block(WAIT))
        .isInstanceOf(KafkaRunnerException.class)
        .hasMessageContaining("could not write the output record for input " + in + "/0/0");
    assertThat(run.isDisposed()).isTrue();
    assertThat(run.progress().succeeded()).isZero();
    assertThat(EmbeddedKafka.committed(group))
        .isEmpty(); // the next runner starts again at offset 0
  }

  @Test
  void orderedPerPartitionWritesOutputsInInputOrderWhileCallsOverlap() throws Exception {
    String in = EmbeddedKafka.unique("in"), failed = EmbeddedKafka.unique("failed");
    String ordered = EmbeddedKafka.unique("ordered"), unordered = EmbeddedKafka.unique("unordered");
    EmbeddedKafka.createTopics(1, in, failed, ordered, unordered);
    EmbeddedKafka.send(Inputs.questions(in, 80, 1));
    // answers take 0-49 ms depending on the question, so calls finish out of order
    try (var jittery = TestGateway.start(q -> (Math.abs(q.hashCode()) * 37L) % 50)) {
      KafkaRun a =
          Inputs.runner(jittery, EmbeddedKafka.unique("g"), in, ordered, failed)
              .concurrency(16)
              .orderedPerPartition(true)
              .build()
              .start();
      KafkaRun b =
          Inputs.runner(jittery, EmbeddedKafka.unique("g"), in, unordered, failed)
              .concurrency(16)
              .build()
              .start();
      KafkaRunnerProgress pa = Inputs.await(a, x -> x.done() == 80, WAIT);
      Inputs.await(b, x -> x.done() == 80, WAIT);
      a.disposeGracefully().block(WAIT);
      b.disposeGracefully().block(WAIT);
      assertThat(pa.peakInFlight()).isGreaterThan(1); // the calls did overlap

      assertThat(offsets(EmbeddedKafka.readAll(ordered, 80, WAIT))).isSorted().hasSize(80);
      List<Long> asFinished = offsets(EmbeddedKafka.readAll(unordered, 80, WAIT));
      assertThat(asFinished)
          .hasSize(80)
          .isNotEqualTo(asFinished.stream().sorted().toList()); // the control
    }
  }

  @Test
  void keepsInFlightAtTheLimitAndPausesInsteadOfBuffering() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    EmbeddedKafka.createTopics(2, in, out, failed);
    EmbeddedKafka.send(Inputs.questions(in, 200, 2));
    try (var gateway = TestGateway.start(Duration.ofMillis(20))) {
      KafkaRun run =
          Inputs.runner(gateway, EmbeddedKafka.unique("g"), in, out, failed)
              .concurrency(4)
              .maxUncommitted(8)
              .consumerProperty("max.poll.records", 10)
              .build()
              .start();
      long mostAhead = 0;
      KafkaRunnerProgress p;
      do {
        p = run.progress();
        mostAhead = Math.max(mostAhead, p.received() - p.done());
        Thread.sleep(5);
      } while (p.done() < 200);
      KafkaRunnerProgress settled =
          Inputs.await(run, x -> x.uncommitted() == 0 && x.lag().isPresent(), WAIT);
      run.disposeGracefully().block(WAIT);
      assertThat(gateway.peakConcurrentRequests()).isEqualTo(4);
      assertThat(p.peakInFlight()).isEqualTo(4);
      assertThat(p.peakUncommitted()).isBetween(4, 8);
      // taken from Kafka but not done: at most the uncommitted window plus one poll
      assertThat(mostAhead).isLessThanOrEqualTo(8 + 10);
      assertThat(settled.lag()).hasValue(0);
      assertThat(settled.committed()).isEqualTo(200);
    }
  }

  @Test
  void aFinishedCallFreesItsSlotWhileItsOutputWaitsForTheProducer() throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    EmbeddedKafka.createTopics(1, in, out, failed);
    EmbeddedKafka.send(Inputs.questions(in, 40, 1));
    try (var gateway = TestGateway.start(Duration.ofMillis(20))) {
      // The producer holds every output for a second (linger.ms): calls go on meanwhile, up to the
      // uncommitted window, and never more than the concurrency at once.
      KafkaRun run =
          Inputs.runner(gateway, EmbeddedKafka.unique("g"), in, out, failed)
              .concurrency(4)
              .maxUncommitted(16)
              .producerProperty("linger.ms", 1000)
              .build()
              .start();
      KafkaRunnerProgress p = Inputs.await(run, x -> x.done() == 40, WAIT);
      run.disposeGracefully().block(WAIT);
      assertThat(gateway.peakConcurrentRequests()).isLessThanOrEqualTo(4);
      assertThat(p.peakInFlight()).isEqualTo(4);
      assertThat(p.peakUncommitted())
          .isEqualTo(16); // slots held until the ack: at most 8 (4 waiting, 4 acked)
      assertThat(EmbeddedKafka.readAll(out, 40, WAIT)).hasSize(40);
    }
  }

  @Test
  void builderRejectsMissingAndConflictingSettingsEarly() {
    var module = Predict.of("question -> answer");
    assertThatThrownBy(
            () ->
                KafkaRunner.builder(module)
                    .bootstrapServers("x:1")
                    .groupId("g")
                    .inputTopic("in")
                    .outputTopic("out")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failureTopic");
    assertThatThrownBy(
            () ->
                KafkaRunner.builder(module)
                    .bootstrapServers("x:1")
                    .groupId("g")
                    .inputTopic("in")
                    .outputTopic("in")
                    .failureTopic("f")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> KafkaRunner.builder(module).concurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
    assertThatThrownBy(
            () ->
                KafkaRunner.builder(module)
                    .bootstrapServers("x:1")
                    .groupId("g")
                    .inputTopic("in")
                    .outputTopic("out")
                    .failureTopic("f")
                    .consumerProperty("enable.auto.commit", true)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enable.auto.commit");
    assertThatThrownBy(
            () ->
                KafkaRunner.builder(module)
                    .bootstrapServers("x:1")
                    .groupId("g")
                    .inputTopic("in")
                    .outputTopic("out")
                    .failureTopic("f")
                    .concurrency(10)
                    .maxUncommitted(5)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxUncommitted");
  }

  private static List<Long> offsets(List<ConsumerRecord<byte[], byte[]>> outputs) {
    return outputs.stream()
        .map(
            r -> {
              String input = header(r, PollLoop.INPUT_HEADER);
              return Long.parseLong(input.substring(input.lastIndexOf('/') + 1));
            })
        .toList();
  }
}
