package dev.dspy4j.kafka;

import static dev.dspy4j.kafka.testing.Inputs.header;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scale-out claims with real parts and real processes: a KRaft broker and a loopback gateway
 * answering in 50 ms in this JVM, and two runners in JVMs of their own ({@code
 * testing.RunnerProcess}: a real LM over HTTP and a Predict each), warmed up once and then given
 * two runs of 10,000 fresh records each (new topics, new group):
 *
 * <ol>
 *   <li>a clean run, both runners to the end: every input answered, in flight within the limit, and
 *       the wall time within twice the ideal;
 *   <li>a run in which runner A is killed with SIGKILL in the middle and a poison record is among
 *       the inputs: the survivor takes every partition, every input is still answered, duplicates
 *       stay within what A had not committed, and the poison lands in the failure topic.
 * </ol>
 *
 * Figures go to stdout and {@code target/kafka-figures.txt}: per run the details (the test JVM's
 * JIT, GC and CPU by thread; inputs committed every half second; the runners' last reports), then
 * one summary line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaRunnerScaleTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int RECORDS = 10_000, PARTITIONS = 6, CONCURRENCY = 64, WARM_RECORDS = 1_000;
  private static final long CALL_MILLIS = 50;
  private static final int MAX_UNCOMMITTED = 2 * CONCURRENCY; // the runner's default

  /** Ideal wall time: every call 50 ms, 2 runners x 64 calls at once, nothing else costing time. */
  private static final double IDEAL = RECORDS * (CALL_MILLIS / 1000.0) / (2.0 * CONCURRENCY);

  private TestGateway gateway;
  private ChildRunner a, b;

  @BeforeAll
  void startWarmRunners() throws Exception {
    String warmIn = EmbeddedKafka.unique("warm-in"), warmOut = EmbeddedKafka.unique("warm-out");
    String warmFailed = EmbeddedKafka.unique("warm-failed");
    EmbeddedKafka.createTopics(PARTITIONS, warmIn, warmOut, warmFailed);
    EmbeddedKafka.send(Inputs.questions(warmIn, WARM_RECORDS, PARTITIONS));
    gateway = TestGateway.start(Duration.ofMillis(CALL_MILLIS));
    String[] args = {
      EmbeddedKafka.bootstrapServers(),
      gateway.apiBase(),
      String.valueOf(CONCURRENCY),
      warmIn,
      warmOut,
      warmFailed,
      String.valueOf(WARM_RECORDS)
    };
    a = ChildRunner.start("runner A", PARTITIONS, args);
    b = ChildRunner.start("runner B", PARTITIONS, args);
    a.awaitReady(WAIT);
    b.awaitReady(WAIT);
  }

  @AfterAll
  void stopRunners() {
    if (a != null) a.close();
    if (b != null) b.close();
    if (gateway != null) gateway.close();
  }

  @Test
  @Order(1)
  void twoRunnerProcessesAnswerTenThousandRecordsWithinTwiceTheIdealTime() throws Exception {
    Run run = run("run 1 (clean)", false, null);
    figure(
        String.format(
            Locale.ROOT,
            "scale, run 1 (clean): %d records, %d partitions, 2 runner processes x concurrency %d, gateway %d ms: "
                + "every input answered and committed after %.2f s, ideal %.2f s (%.2fx, bound 2x), %.0f records/s; "
                + "duplicates %d (bound %d: %d partition losses other than a clean handover); failures %d; "
                + "peak in flight A %d, B %d; gateway peak concurrent %d; "
                + "CPU during the run: test JVM (broker, gateway) %.1f s, runner A %.1f s, runner B %.1f s (%.0f us/record over both); "
                + "system load average %.1f before, %.1f after, on %d cores",
            RECORDS,
            PARTITIONS,
            CONCURRENCY,
            CALL_MILLIS,
            run.wall,
            IDEAL,
            run.wall / IDEAL,
            RECORDS / run.wall,
            run.duplicates(),
            MAX_UNCOMMITTED * run.losses,
            run.losses,
            run.failures.size(),
            run.aAtEnd.peakInFlight(),
            run.bAtEnd.peakInFlight(),
            gateway.peakConcurrentRequests(),
            run.testJvmCpu,
            run.aAtEnd.cpuMillis() / 1e3,
            run.bAtEnd.cpuMillis() / 1e3,
            (run.aAtEnd.cpuMillis() + run.bAtEnd.cpuMillis()) * 1e3 / RECORDS,
            run.loadBefore,
            run.loadAfter,
            run.cores));

    assertThat(run.answers).hasSize(RECORDS); // every input has an output
    assertThat(run.failures).isEmpty();
    // Partitions handed over cleanly (the first rebalance) are committed first: no repeats, unless
    // a runner lost partitions (see ChildRunner.losses).
    assertThat(run.duplicates()).isLessThanOrEqualTo(MAX_UNCOMMITTED * run.losses);
    assertThat(run.aAtEnd.done()).as("runner A answered records").isPositive();
    assertThat(run.bAtEnd.done()).as("runner B answered records").isPositive();
    assertThat(run.aAtEnd.peakInFlight()).isLessThanOrEqualTo(CONCURRENCY);
    assertThat(run.bAtEnd.peakInFlight()).isLessThanOrEqualTo(CONCURRENCY);
    assertThat(gateway.peakConcurrentRequests()).isLessThanOrEqualTo(2 * CONCURRENCY);
    assertThat(run.wall).as("wall time vs twice the ideal").isLessThanOrEqualTo(2 * IDEAL);
  }

  @Test
  @Order(2)
  void whenOneRunnerProcessIsKilledMidRunTheOtherTakesItsPartitionsAndAPoisonRecordFails()
      throws Exception {
    int killAfter = 3_000;
    // Kill A once it answered killAfter records while B owns partitions too.
    Run run =
        run(
            "run 2 (kill)",
            true,
            r -> r.done() >= killAfter && r.assigned() > 0 && r.assigned() < PARTITIONS);
    var kill = a.kill();
    long failoverMillis =
        kill == null || run.bAllAssignedAfterKill == 0
            ? -1
            : run.bAllAssignedAfterKill - kill.killedAtEpochMillis();
    boolean reportJustBefore = kill != null && kill.sinceReportMillis() < CALL_MILLIS;
    long killBound =
        kill == null ? 0 : reportJustBefore ? kill.lastReport().uncommitted() : MAX_UNCOMMITTED;
    // A runner that lost partitions besides the kill (fenced by the broker on a starved machine:
    // its session expired) adds what it had not committed then, at most MAX_UNCOMMITTED.
    long bound = killBound + (long) MAX_UNCOMMITTED * run.losses;
    int expected = RECORDS + 1;
    figure(
        String.format(
            Locale.ROOT,
            "scale, run 2 (kill): %d records + 1 poison, %d partitions, 2 runner processes x concurrency %d, gateway %d ms: "
                + "every input answered and committed after %.2f s, ideal %.2f s (%.2fx, not bound: the group's failover is in it), "
                + "%.0f records/s, though runner A was killed (SIGKILL) after %s; survivor B owned all %d partitions %d ms after the kill; "
                + "duplicates %d (bound %d: %s, + %d x %d for partition losses other than the kill); "
                + "poison in the failure topic: %s; peak in flight A %s, B %d; gateway peak concurrent %d; "
                + "CPU during the run: test JVM (broker, gateway) %.1f s, runner B %.1f s (%.0f us/record it answered), "
                + "runner A %.1f s until killed; system load average %.1f before, %.1f after, on %d cores",
            RECORDS,
            PARTITIONS,
            CONCURRENCY,
            CALL_MILLIS,
            run.wall,
            IDEAL,
            run.wall / IDEAL,
            expected / run.wall,
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
            PARTITIONS,
            failoverMillis,
            run.duplicates(),
            bound,
            reportJustBefore
                ? "A's uncommitted records at its last report (" + killBound + ")"
                : "maxUncommitted (" + killBound + ")",
            run.losses,
            MAX_UNCOMMITTED,
            run.failures.containsKey(run.poison),
            kill == null ? "?" : String.valueOf(kill.lastReport().peakInFlight()),
            run.bAtEnd.peakInFlight(),
            gateway.peakConcurrentRequests(),
            run.testJvmCpu,
            run.bAtEnd.cpuMillis() / 1e3,
            run.bAtEnd.cpuMillis() * 1e3 / Math.max(1, run.bAtEnd.done()),
            kill == null ? 0 : kill.lastReport().cpuMillis() / 1e3,
            run.loadBefore,
            run.loadAfter,
            run.cores));

    assertThat(run.answers).hasSize(expected); // every input has an output (or failure)
    assertThat(run.failures)
        .containsOnlyKeys(run.poison); // the poison, and only it, failed; the run went on
    assertThat(run.failures.get(run.poison))
        .contains("\"type\":\"InvalidInputException\"")
        .contains("not JSON {");
    assertThat(kill).as("runner A was killed mid-run").isNotNull();
    assertThat(kill.lastReport().done())
        .isLessThan(RECORDS / 2); // mid-run: A had not done its share
    assertThat(failoverMillis)
        .as("the survivor took A's partitions after the kill")
        .isNotNegative();
    assertThat(run.duplicates())
        .isLessThanOrEqualTo((int) bound); // repeats: at most what A had not committed
    assertThat(kill.lastReport().peakInFlight()).isLessThanOrEqualTo(CONCURRENCY);
    assertThat(run.bAtEnd.peakInFlight()).isLessThanOrEqualTo(CONCURRENCY);
    assertThat(gateway.peakConcurrentRequests()).isLessThanOrEqualTo(2 * CONCURRENCY);
    // No bound on this run's wall time: it holds the group's failover (the session timeout of 1 s
    // before the broker gives A's partitions to B, during which they stand still) and the records A
    // answered but had not committed, answered again by B. That is the price of a kill, not the
    // runner's throughput, which run 1 bounds; the ratio is reported above.
  }

  /** What one run measured. */
  private record Run(
      double wall,
      double testJvmCpu,
      Map<String, Integer> answers,
      Map<String, String> failures,
      String poison,
      ChildRunner.Report aAtEnd,
      ChildRunner.Report bAtEnd,
      long bAllAssignedAfterKill,
      int losses,
      double loadBefore,
      double loadAfter,
      int cores) {
    /** Outputs and failures written beyond one per input. */
    int duplicates() {
      return answers.values().stream().mapToInt(Integer::intValue).sum() - answers.size();
    }
  }

  /**
   * One run on fresh topics and a fresh group: {@value #RECORDS} questions (and a poison record in
   * the middle if asked), both runners started together, runner A killed when a report of it
   * satisfies {@code killA} (if given). The run ends when the group has committed every input; then
   * the live runners drain and stop, and every output is read.
   */
  private Run run(String name, boolean withPoison, @Nullable Predicate<ChildRunner.Report> killA)
      throws Exception {
    String in = EmbeddedKafka.unique("in"),
        out = EmbeddedKafka.unique("out"),
        failed = EmbeddedKafka.unique("failed");
    String group = EmbeddedKafka.unique("group");
    EmbeddedKafka.createTopics(PARTITIONS, in, out, failed);
    List<ProducerRecord<byte[], byte[]>> inputs =
        new ArrayList<>(Inputs.questions(in, RECORDS, PARTITIONS));
    int poisonPartition = 2;
    if (withPoison) {
      inputs.add(
          RECORDS / 2,
          new ProducerRecord<>(
              in, poisonPartition, Inputs.bytes("poison"), Inputs.bytes("not JSON {")));
    }
    EmbeddedKafka.send(inputs);
    // its offset: the records before it in its partition
    String poison = in + "/" + poisonPartition + "/" + (RECORDS / 2 / PARTITIONS);
    int expected = inputs.size();

    Map<TopicPartition, Long> ends = EmbeddedKafka.endOffsets(in, PARTITIONS);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (var reader = outputReader(out, failed, PARTITIONS);
        Admin admin = EmbeddedKafka.admin()) {
      RunnerProcess.awaitQuiet(Duration.ofSeconds(10)); // the broker's and gateway's JIT too
      if (killA != null) a.killWhen(killA);

      Map<String, Long> threadCpuBefore = threadCpuByName();
      double loadBefore = os.getSystemLoadAverage();
      long cpuStart = os.getProcessCpuTime();
      long jitStart = RunnerProcess.jitMillis(), gcStart = RunnerProcess.gcMillis();
      long start = System.nanoTime(), startMillis = System.currentTimeMillis();
      a.go(group, in, out, failed);
      b.go(group, in, out, failed);
      // The run ends when the group has committed every input's offset, which the runners do only
      // once every record before it has its output (or failure) written. The outputs themselves
      // are read and checked afterwards, so that reading them costs the run no CPU.
      var timeline = new StringBuilder(); // inputs committed, every half second
      long nextMark = start + 500_000_000L;
      long deadline = start + WAIT.toNanos();
      long committed;
      while ((committed = committed(admin, group, ends)) < expected
          && System.nanoTime() < deadline) {
        if (System.nanoTime() >= nextMark) {
          timeline.append(timeline.isEmpty() ? "" : " ").append(committed);
          nextMark += 500_000_000L;
        }
        // an offset fetch per 50 ms: the end is seen at most that late (counted against the run)
        Thread.sleep(50);
      }
      double wall = (System.nanoTime() - start) / 1e9;
      double testJvmCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      long jit = RunnerProcess.jitMillis() - jitStart, gc = RunnerProcess.gcMillis() - gcStart;
      Map<String, Long> threadCpu = threadCpuByName();
      threadCpu.replaceAll((k, v) -> v - threadCpuBefore.getOrDefault(k, 0L));
      figure(
          "  "
              + name
              + ": test JVM during the run: JIT "
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
      figure(
          "  "
              + name
              + ": inputs committed every 0.5 s: "
              + timeline
              + "; A killed at "
              + (kill == null ? "-" : (kill.killedAtEpochMillis() - startMillis) + " ms after GO"));
      long bAllAssigned = kill == null ? 0 : b.allAssignedAfter(kill.killedAtEpochMillis());
      if (kill == null) a.finish(WAIT);
      b.finish(WAIT);
      int losses = a.losses() + b.losses();
      ChildRunner.Report aAtEnd = kill == null ? a.last() : kill.lastReport();
      ChildRunner.Report bAtEnd = b.last();
      figure(
          "  "
              + name
              + ": runner A "
              + (kill == null ? "until the end: " : "until killed: ")
              + aAtEnd
              + "; runner B until the end: "
              + bAtEnd);
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
      return new Run(
          wall,
          testJvmCpu,
          answers,
          failures,
          poison,
          aAtEnd,
          bAtEnd,
          bAllAssigned,
          losses,
          loadBefore,
          os.getSystemLoadAverage(),
          os.getAvailableProcessors());
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
