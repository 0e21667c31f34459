package dev.dspy4j.kafka;

import static dev.dspy4j.kafka.testing.Inputs.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.kafka.internal.PollLoop;
import dev.dspy4j.kafka.testing.ChildRunner;
import dev.dspy4j.kafka.testing.EmbeddedKafka;
import dev.dspy4j.kafka.testing.Inputs;
import dev.dspy4j.kafka.testing.RunnerProcess;
import dev.dspy4j.kafka.testing.TestGateway;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The scale-out claims in one run with real parts and real processes: a KRaft broker and a loopback
 * gateway answering in 50 ms in this JVM, and two runners in JVMs of their own ({@code
 * testing.RunnerProcess}: a real LM over HTTP and a Predict each), one of which is killed with
 * SIGKILL in the middle of the run. Figures go to stdout and {@code target/kafka-figures.txt}: the
 * details of the run (the test JVM's JIT, GC and CPU by thread; inputs committed every half second;
 * the runners' last reports) first, then one summary line.
 */
class KafkaRunnerScaleTest {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void twoRunnerProcessesAnswerTenThousandRecordsWithinTwiceTheIdealTimeThoughOneIsKilledMidRun()
      throws Exception {
    int records = 10_000, partitions = 6, concurrency = 64, warmRecords = 1_000, killAfter = 3_000;
    long callMillis = 50;
    int maxUncommitted = 2 * concurrency; // the runner's default
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String warmIn = EmbeddedKafka.unique("warm-in"), warmOut = EmbeddedKafka.unique("warm-out");
    String warmFailed = EmbeddedKafka.unique("warm-failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(partitions, in, out, failed, warmIn, warmOut, warmFailed);
    List<ProducerRecord<byte[], byte[]>> inputs =
        new ArrayList<>(Inputs.questions(in, records, partitions));
    int poisonPartition = 2;
    inputs.add(
        records / 2,
        new ProducerRecord<>(
            in, poisonPartition, Inputs.bytes("poison"), Inputs.bytes("not JSON {")));
    EmbeddedKafka.send(inputs);
    EmbeddedKafka.send(Inputs.questions(warmIn, warmRecords, partitions));
    String poison =
        in
            + "/"
            + poisonPartition
            + "/"
            + (records / 2 / partitions); // its offset: the records before it in its partition

    Map<TopicPartition, Long> ends = EmbeddedKafka.endOffsets(in, partitions);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (var gateway = TestGateway.start(Duration.ofMillis(callMillis));
        var reader = outputReader(out, failed, partitions);
        Admin admin = EmbeddedKafka.admin()) {
      String[] args = {
        EmbeddedKafka.bootstrapServers(),
        group,
        in,
        out,
        failed,
        gateway.apiBase(),
        String.valueOf(concurrency),
        warmIn,
        warmOut,
        warmFailed,
        String.valueOf(warmRecords)
      };
      try (var a = ChildRunner.start("runner A", partitions, args);
          var b = ChildRunner.start("runner B", partitions, args)) {
        a.awaitReady(WAIT);
        b.awaitReady(WAIT);
        RunnerProcess.awaitQuiet(Duration.ofSeconds(10)); // the broker's and gateway's JIT too
        // Kill A once it answered killAfter records while B owns partitions too.
        a.killWhen(r -> r.done() >= killAfter && r.assigned() > 0 && r.assigned() < partitions);

        Map<String, Long> threadCpuBefore = threadCpuByName();
        double loadBefore = os.getSystemLoadAverage();
        long cpuStart = os.getProcessCpuTime();
        long jitStart = RunnerProcess.jitMillis(), gcStart = RunnerProcess.gcMillis();
        long start = System.nanoTime(), startMillis = System.currentTimeMillis();
        a.send("GO");
        b.send("GO");
        // The run ends when the group has committed every input's offset, which the runners do only
        // once every record before it has its output (or failure) written. The outputs themselves
        // are read and checked afterwards, so that reading them costs the run no CPU.
        var timeline = new StringBuilder(); // inputs committed, every half second
        long nextMark = start + 500_000_000L;
        long deadline = start + WAIT.toNanos();
        int expected = records + 1;
        long committed;
        while ((committed = committed(admin, group, ends)) < expected
            && System.nanoTime() < deadline) {
          if (System.nanoTime() >= nextMark) {
            timeline.append(timeline.isEmpty() ? "" : " ").append(committed);
            nextMark += 500_000_000L;
          }
          Thread.sleep(
              50); // an offset fetch per 50 ms: the end is seen at most that late (counted against
          // the run)
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double brokerCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long jit = RunnerProcess.jitMillis() - jitStart, gc = RunnerProcess.gcMillis() - gcStart;
        Map<String, Long> threadCpu = threadCpuByName();
        threadCpu.replaceAll((k, v) -> v - threadCpuBefore.getOrDefault(k, 0L));
        figure(
            "  test JVM during the run: JIT "
                + jit
                + " ms, GC "
                + gc
                + " ms; CPU by thread (ms): "
                + threadCpu.entrySet().stream()
                    .filter(e -> e.getValue() > 50_000_000L)
                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000)
                    .toList());
        var kill = a.kill();
        ChildRunner.Report bAtEnd = b.last();
        figure(
            "  inputs committed every 0.5 s: "
                + timeline
                + "; A killed at "
                + (kill == null
                    ? "-"
                    : (kill.killedAtEpochMillis() - startMillis) + " ms after GO"));
        figure(
            "  runner B until the end: "
                + bAtEnd
                + "; runner A until killed: "
                + (kill == null ? null : kill.lastReport()));
        b.stop(WAIT);
        // Every output and failure record written, until no more come.
        Map<String, Integer> answers =
            new HashMap<>(); // input coordinates -> outputs and failures written for it
        Map<String, String> failures = new HashMap<>(); // input coordinates -> failure record value
        int seen;
        do {
          seen = answers.values().stream().mapToInt(Integer::intValue).sum();
          long quietUntil = System.nanoTime() + Duration.ofMillis(700).toNanos();
          while (System.nanoTime() < quietUntil) read(reader, out, answers, failures);
        } while (answers.values().stream().mapToInt(Integer::intValue).sum() > seen);
        int written = answers.values().stream().mapToInt(Integer::intValue).sum();
        int duplicates = written - answers.size();

        double ideal = records * (callMillis / 1000.0) / (2.0 * concurrency);
        long failoverMillis =
            kill == null || b.allAssignedAfter(kill.killedAtEpochMillis()) == 0
                ? -1
                : b.allAssignedAfter(kill.killedAtEpochMillis()) - kill.killedAtEpochMillis();
        boolean reportJustBefore = kill != null && kill.sinceReportMillis() < callMillis;
        long bound =
            kill == null ? 0 : reportJustBefore ? kill.lastReport().uncommitted() : maxUncommitted;
        figure(
            String.format(
                Locale.ROOT,
                "scale: %d records + 1 poison, %d partitions, 2 runner processes x concurrency %d, gateway %d ms: "
                    + "every input answered and committed after %.2f s, ideal %.2f s (%.2fx), %.0f records/s, though runner A was killed "
                    + "(SIGKILL) after %s; survivor B owned all %d partitions %d ms after the kill; duplicates %d (bound %d: %s); "
                    + "poison in the failure topic: %s; peak in flight A %s, B %d; gateway peak concurrent %d; "
                    + "CPU during the run: test JVM (broker, gateway) %.1f s, runner B %.1f s (%.0f us/record it answered), "
                    + "runner A %.1f s until killed; system load average %.1f before, %.1f after, on %d cores",
                records,
                partitions,
                concurrency,
                callMillis,
                wall,
                ideal,
                wall / ideal,
                expected / wall,
                kill == null
                    ? "(not killed)"
                    : String.format(
                        Locale.ROOT,
                        "%d answers with %d in flight and %d uncommitted at its last report %d ms before the kill, owning %d partitions",
                        kill.lastReport().done(),
                        kill.lastReport().inFlight(),
                        kill.lastReport().uncommitted(),
                        kill.sinceReportMillis(),
                        kill.lastReport().assigned()),
                partitions,
                failoverMillis,
                duplicates,
                bound,
                reportJustBefore ? "A's uncommitted records at its last report" : "maxUncommitted",
                failures.containsKey(poison),
                kill == null ? "?" : String.valueOf(kill.lastReport().peakInFlight()),
                bAtEnd == null ? -1 : bAtEnd.peakInFlight(),
                gateway.peakConcurrentRequests(),
                brokerCpu,
                bAtEnd == null ? 0 : bAtEnd.cpuMillis() / 1e3,
                bAtEnd == null ? 0 : bAtEnd.cpuMillis() * 1e3 / Math.max(1, bAtEnd.done()),
                kill == null ? 0 : kill.lastReport().cpuMillis() / 1e3,
                loadBefore,
                os.getSystemLoadAverage(),
                os.getAvailableProcessors()));

        assertThat(answers).hasSize(expected); // every input has an output (or failure)
        assertThat(failures)
            .containsOnlyKeys(poison); // the poison, and only it, failed; the run went on
        assertThat(failures.get(poison))
            .contains("\"type\":\"InvalidInputException\"")
            .contains("not JSON {");
        assertThat(kill).as("runner A was killed mid-run").isNotNull();
        assertThat(kill.lastReport().done())
            .isLessThan(records / 2); // mid-run: A had not done its share
        assertThat(failoverMillis)
            .as("the survivor took A's partitions after the kill")
            .isNotNegative();
        assertThat(duplicates)
            .isLessThanOrEqualTo((int) bound); // repeats: at most what A had not committed
        assertThat(kill.lastReport().peakInFlight()).isLessThanOrEqualTo(concurrency);
        assertThat(bAtEnd.peakInFlight()).isLessThanOrEqualTo(concurrency);
        assertThat(gateway.peakConcurrentRequests()).isLessThanOrEqualTo(2 * concurrency);
        assertThat(wall).as("wall time vs twice the ideal").isLessThanOrEqualTo(2 * ideal);
      }
    }
  }

  /**
   * How many of the input records the group has committed (offsets past them), over all partitions.
   */
  private static long committed(Admin admin, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long n = 0;
    for (var tp : ends.keySet()) {
      OffsetAndMetadata o = offsets.get(tp);
      if (o != null) n += o.offset();
    }
    return n;
  }

  /** CPU time of this JVM's live threads, summed by name with digits left out. */
  private static Map<String, Long> threadCpuByName() {
    var threads = ManagementFactory.getThreadMXBean();
    var out = new HashMap<String, Long>();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info != null && cpu > 0)
        out.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
    }
    return out;
  }

  /** A consumer of the output and failure topics from their start, without a group. */
  private static KafkaConsumer<byte[], byte[]> outputReader(
      String out, String failed, int partitions) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    // Large fetches: reading ten thousand records in a few requests.
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    var consumer = new KafkaConsumer<byte[], byte[]>(p);
    var all = new ArrayList<TopicPartition>();
    for (int i = 0; i < partitions; i++) {
      all.add(new TopicPartition(out, i));
      all.add(new TopicPartition(failed, i));
    }
    consumer.assign(all);
    consumer.seekToBeginning(all);
    return consumer;
  }

  private static void read(
      KafkaConsumer<byte[], byte[]> reader,
      String out,
      Map<String, Integer> answers,
      Map<String, String> failures) {
    for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(20))) {
      String input = header(r, PollLoop.INPUT_HEADER);
      answers.merge(input, 1, Integer::sum);
      if (!r.topic().equals(out)) failures.put(input, Inputs.text(r.value()));
    }
  }

  static void figure(String line) throws IOException {
    System.out.println(line);
    Files.writeString(
        Path.of("target", "kafka-figures.txt"),
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
