package dev.dspy4j.kafka.testing;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.kafka.KafkaRun;
import dev.dspy4j.kafka.KafkaRunner;
import dev.dspy4j.kafka.KafkaRunnerProgress;
import dev.dspy4j.streaming.LM;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One runner in a JVM of its own, as a deployment runs it: a real {@code LM} over HTTP and a {@code
 * Predict("question -> answer")} in a {@link KafkaRunner} with the fast-failover consumer settings
 * of {@link #fastFailover}. Arguments: {@code <bootstrap> <apiBase> <concurrency> <warmIn>
 * <warmOut> <warmFailed> <warmRecords>}.
 *
 * <p>Protocol on standard input and output (one line each):
 *
 * <ol>
 *   <li>it first answers the {@code warmRecords} records of the warm-up topic in groups of its own
 *       until the JIT has compiled the call path and the clients (see {@link #warmUp}), printing
 *       one line per round, then {@code READY};
 *   <li>on {@code GO <group> <in> <out> <failed>} it starts a measured runner and prints, every 10
 *       ms until it is killed or stopped, {@code PROGRESS <epochMillis> <done> <inFlight>
 *       <uncommitted> <assigned> <peakInFlight> <cpuMillis> <jitMillis> <gcMillis>} (CPU, JIT and
 *       GC of this process since that {@code GO});
 *   <li>on {@code STOP} it drains and leaves the group, prints one last {@code PROGRESS} line and
 *       {@code STOPPED}, and waits for the next {@code GO} (a further run in the same warm JVM);
 *   <li>on {@code EXIT} or the end of its input it exits (during a run: after draining).
 * </ol>
 */
public final class RunnerProcess {

  private RunnerProcess() {}

  public static void main(String[] args) throws Exception {
    LM lm =
        LM.builder("gpt-4o-mini").apiKey("sk-kafka-test-key").apiBase(args[1]).cache(false).build();
    int concurrency = Integer.parseInt(args[2]);
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    warmUp(lm, args, concurrency, Integer.parseInt(args[6]));
    awaitQuiet(Duration.ofSeconds(10));
    say("READY");

    String line;
    while ((line = in.readLine()) != null && line.startsWith("GO ")) {
      String[] go = line.split(" ");
      if (!run(lm, args[0], go[1], go[2], go[3], go[4], concurrency, in)) return;
    }
  }

  /**
   * One measured run, from {@code GO} to {@code STOP}; false if the input ended (or said {@code
   * EXIT}) instead.
   */
  private static boolean run(
      LM lm,
      String bootstrap,
      String group,
      String inTopic,
      String outTopic,
      String failedTopic,
      int concurrency,
      BufferedReader in)
      throws InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuAtGo = os.getProcessCpuTime();
    long jitAtGo = jitMillis(), gcAtGo = gcMillis();
    KafkaRun run =
        runner(lm, bootstrap, group, inTopic, outTopic, failedTopic, concurrency).build().start();
    var stop = new CountDownLatch(1);
    var stopped = new AtomicBoolean(); // STOP, not the end of the input
    var stdin =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = in.readLine()) != null && !line.equals("EXIT")) {
                  if (line.equals("STOP")) {
                    stopped.set(true);
                    break;
                  }
                }
              } catch (IOException e) {
                // the test went away: stop
              }
              stop.countDown();
            },
            "runner-process-stdin");
    stdin.setDaemon(true);
    stdin.start();
    while (!stop.await(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      report(
          run.progress(),
          os.getProcessCpuTime() - cpuAtGo,
          jitMillis() - jitAtGo,
          gcMillis() - gcAtGo);
    }
    run.disposeGracefully().block(Duration.ofSeconds(60));
    report(
        run.progress(),
        os.getProcessCpuTime() - cpuAtGo,
        jitMillis() - jitAtGo,
        gcMillis() - gcAtGo);
    say("STOPPED");
    return stopped.get();
  }

  /**
   * Answers the warm-up topic's records in rounds (each round a new group, so it reads them all
   * again), {@value #WARM_ROUNDS} rounds, so that the JIT compilers have done most of their work. A
   * long-running deployment is in that state; a fresh JVM is not for its first seconds.
   */
  private static void warmUp(LM lm, String[] args, int concurrency, int warmRecords)
      throws InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= WARM_ROUNDS; round++) {
      long start = System.nanoTime(), cpu = os.getProcessCpuTime(), jit = jitMillis();
      KafkaRun warm =
          runner(
                  lm,
                  args[0],
                  "warm-" + ProcessHandle.current().pid() + "-" + round,
                  args[3],
                  args[4],
                  args[5],
                  concurrency)
              .build()
              .start();
      while (warm.progress().done() < warmRecords) Thread.sleep(10);
      warm.disposeGracefully().block(Duration.ofSeconds(60));
      long millis = (System.nanoTime() - start) / 1_000_000;
      cpu = os.getProcessCpuTime() - cpu;
      say(
          "warm-up round "
              + round
              + ": "
              + warmRecords
              + " records in "
              + millis
              + " ms, CPU "
              + cpu / 1_000_000
              + " ms, JIT "
              + (jitMillis() - jit)
              + " ms");
    }
  }

  /**
   * Warm-up rounds. C2 compiles a per-record path only after thousands of calls; the earlier rule
   * (stop at the first round costing within 10 % of the one before, often the fourth) left the
   * compilers busy through the measured run, whose wall time then swung between 1.5 and 2.1 times
   * the ideal on 2 cores. After 12 rounds: 1.26 and 1.42 times.
   */
  private static final int WARM_ROUNDS = 12;

  /**
   * Waits until this JVM is idle (under 10 % of one core over 200 ms: the JIT compilers finished
   * what the warm-up queued), at most {@code timeout}.
   */
  public static void awaitQuiet(Duration timeout) throws InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long cpu = os.getProcessCpuTime();
      Thread.sleep(200);
      if (os.getProcessCpuTime() - cpu < 20_000_000L) return;
    }
  }

  private static KafkaRunner.Builder runner(
      LM lm,
      String bootstrap,
      String group,
      String in,
      String out,
      String failed,
      int concurrency) {
    return fastFailover(KafkaRunner.builder(Predict.of("question -> answer")))
        .bootstrapServers(bootstrap)
        .groupId(group)
        .inputTopic(in)
        .outputTopic(out)
        .failureTopic(failed)
        .concurrency(concurrency)
        .contextWrite(Dspy.withLm(lm));
  }

  private static void report(KafkaRunnerProgress p, long cpuNanos, long jitMillis, long gcMillis) {
    say(
        "PROGRESS "
            + System.currentTimeMillis()
            + " "
            + p.done()
            + " "
            + p.inFlight()
            + " "
            + p.uncommitted()
            + " "
            + p.assignedPartitions()
            + " "
            + p.peakInFlight()
            + " "
            + cpuNanos / 1_000_000
            + " "
            + jitMillis
            + " "
            + gcMillis);
  }

  /** Time this JVM's JIT compilers spent so far. */
  public static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** Time this JVM's garbage collectors spent so far. */
  public static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(g -> Math.max(0, g.getCollectionTime()))
        .sum();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Consumer settings that let the group notice a dead member within about 1 s. */
  public static KafkaRunner.Builder fastFailover(KafkaRunner.Builder b) {
    return b.consumerProperty("session.timeout.ms", 1000)
        .consumerProperty("heartbeat.interval.ms", 100);
  }
}
