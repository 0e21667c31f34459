package dev.dspy4j.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The main of every client JVM: builds the client, warms it up, then measures one scenario and
 * prints one {@link ScenarioResult} line.
 *
 * <p>Arguments ({@code --key value}): {@code client}, {@code scenario}, {@code base} (base URL),
 * {@code total}, {@code concurrency}, {@code tokens} (text deltas the server sends per response),
 * {@code warmup} (first warm-up round), {@code warmup-cpu-s} (warm-up CPU budget), {@code
 * timeout-s}, {@code mode} ({@code stream}|{@code cot}), {@code live-heap} ({@code true}: force one
 * full GC when every stream has received its first token, to record the heap that all open streams
 * hold), {@code jfr} (a file: record the measured window, and only it, with JDK Flight Recorder's
 * {@code profile} settings).
 */
public final class Harness {

  /** The prompt every client sends. */
  public static final String PROMPT = "Count slowly and say nothing else.";

  private Harness() {}

  /**
   * Parses {@code args}, runs the scenario with the client {@code factory} builds, prints the
   * result, exits.
   */
  public static void run(String[] args, Function<ClientConfig, StreamClient> factory) {
    int status = 0;
    try {
      System.out.println(measure(parse(args), factory).toLine());
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.out.flush();
    // Some libraries leave non-daemon threads behind; the measurement is over either way.
    Runtime.getRuntime().halt(status);
  }

  static ScenarioResult measure(Map<String, String> a, Function<ClientConfig, StreamClient> factory)
      throws InterruptedException {
    String clientName = req(a, "client");
    String scenario = req(a, "scenario");
    int total = Integer.parseInt(req(a, "total"));
    int concurrency = Integer.parseInt(req(a, "concurrency"));
    int tokens = Integer.parseInt(req(a, "tokens"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "0"));
    long timeoutS = Long.parseLong(a.getOrDefault("timeout-s", "600"));
    boolean liveHeap = Boolean.parseBoolean(a.getOrDefault("live-heap", "false"));
    double warmupCpuS = Double.parseDouble(a.getOrDefault("warmup-cpu-s", "10"));

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    HeapWatcher heap = new HeapWatcher();
    int baselineThreads = threads.getThreadCount();

    ClientConfig config =
        new ClientConfig(
            req(a, "base"),
            "bench-key",
            "bench-model",
            Math.max(concurrency, 1),
            Duration.ofSeconds(timeoutS),
            a.getOrDefault("mode", ClientConfig.STREAM));
    try (StreamClient client = factory.apply(config)) {
      warmUp(
          client, warmup, Math.max(warmup, total), concurrency, tokens, timeoutS, warmupCpuS, os);
      awaitJitQuiet();
      System.gc();
      Thread.sleep(200);

      AtomicBoolean liveMeasured = new AtomicBoolean();
      Runnable onAllStreaming =
          liveHeap
              ? () -> {
                if (liveMeasured.compareAndSet(false, true)) {
                  // Off the library's thread: a full GC is a pause either way, but not a callback
                  // hog.
                  Thread t = new Thread(heap::measureLiveNow, "bench-live-heap");
                  t.setDaemon(true);
                  t.start();
                }
              }
              : null;

      Recording recording = startRecording(a.get("jfr"));
      threads.resetPeakThreadCount();
      long started0 = threads.getTotalStartedThreadCount();
      heap.arm();
      long cpu0 = os.getProcessCpuTime();
      long compiler0 = CompilerCpu.nanos();
      long jit0 = jitMillis();
      long t0 = System.nanoTime();

      Batch batch = new Batch(client, PROMPT, total, concurrency, tokens, onAllStreaming);
      batch.run(timeoutS);

      long wall = System.nanoTime() - t0;
      long cpu = os.getProcessCpuTime() - cpu0;
      long jit = jit0 < 0 ? -1 : jitMillis() - jit0;
      long compiler = compiler0 < 0 ? -1 : CompilerCpu.nanos() - compiler0;
      heap.disarm();
      stopRecording(recording, a.get("jfr"));
      int peak = threads.getPeakThreadCount() - (liveMeasured.get() ? 1 : 0);
      long startedThreads =
          threads.getTotalStartedThreadCount() - started0 - (liveMeasured.get() ? 1 : 0);

      return new ScenarioResult(
          clientName,
          scenario,
          batch.completed(),
          batch.errors(),
          wall / 1e9,
          batch.tokens(),
          cpu / 1e9,
          batch.ttftPercentileMicros(50),
          batch.ttftPercentileMicros(99),
          baselineThreads,
          peak,
          startedThreads,
          batch.maxInFlight(),
          heap.maxMb(),
          jit,
          compiler < 0 ? -1 : compiler / 1e9,
          batch.firstError());
    }
  }

  /** A JFR recording of the measured window when {@code file} is given (profiling runs only). */
  private static Recording startRecording(String file) {
    if (file == null) {
      return null;
    }
    try {
      Recording r = new Recording(Configuration.getConfiguration("profile"));
      r.setName("bench-window");
      // The profile settings sample Java threads every 10 ms: too few samples in a short window.
      r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
      r.start();
      return r;
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("cannot start the JFR recording: " + e.getMessage(), e);
    }
  }

  private static void stopRecording(Recording recording, String file) {
    if (recording == null) {
      return;
    }
    recording.stop();
    try {
      recording.dump(Path.of(file));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the JFR recording to " + file + ": " + e.getMessage(), e);
    } finally {
      recording.close();
    }
  }

  /**
   * Runs warm-up rounds until the client is in steady state: the JIT compiler threads used less
   * than 10 % of the round's CPU, and the CPU per completion without them is within 10 % of the
   * round before. At most 12 rounds or {@code warmup-cpu-s} CPU seconds in all. The first round has
   * {@code warmup} completions; later rounds are sized to cost about 1.5 CPU seconds (between
   * {@code warmup} and 20 × {@code warmup}, and no more than the measured count), so a cheap client
   * runs long enough for the JIT to finish and an expensive one does not blow the budget. Rounds
   * are logged to stderr with the compiler threads' CPU in each.
   *
   * <p>Why the compilers are watched: on 2 cores the C2 compiler keeps working for tens of seconds
   * of a client's run, long after two rounds in a row cost about the same; a window measured then
   * bills a core's worth of compilation (and code still running interpreted or in C1) to the
   * client.
   */
  private static void warmUp(
      StreamClient client,
      int warmup,
      int maxRound,
      int concurrency,
      int tokens,
      long timeoutS,
      double budgetCpuS,
      com.sun.management.OperatingSystemMXBean os)
      throws InterruptedException {
    if (warmup <= 0) {
      return;
    }
    long budgetEnd = os.getProcessCpuTime() + (long) (budgetCpuS * 1e9);
    double previous = Double.NaN;
    int size = warmup;
    for (int round = 1; round <= 12; round++) {
      long cpu0 = os.getProcessCpuTime();
      long compiler0 = CompilerCpu.nanos();
      Batch w =
          new Batch(
              client, PROMPT, size, Math.min(concurrency, Math.max(1, size / 4)), tokens, null);
      w.run(timeoutS);
      long cpu1 = os.getProcessCpuTime();
      long compiler = compiler0 < 0 ? 0 : CompilerCpu.nanos() - compiler0;
      if (w.completed() == 0) {
        System.err.println("warm-up completed nothing; first error: " + w.firstError());
        return;
      }
      double perCompletion = (cpu1 - cpu0 - compiler) / (double) w.completed();
      double compilerShare = compiler / (double) Math.max(1, cpu1 - cpu0);
      System.err.printf(
          "warm-up round %d: %d completions, %.3f ms CPU each without the JIT, JIT compilers %.0f %% of"
              + " the round's CPU%n",
          round, w.completed(), perCompletion / 1e6, 100 * compilerShare);
      boolean steady = Math.abs(perCompletion / previous - 1) < 0.10 && compilerShare < 0.10;
      if (steady || cpu1 > budgetEnd) {
        return;
      }
      previous = perCompletion;
      size =
          (int)
              Math.max(
                  warmup,
                  Math.min(
                      Math.min(20L * warmup, maxRound),
                      (long) (1.5e9 / Math.max(perCompletion, 1))));
    }
  }

  /** Total JIT compilation time of this JVM so far, or -1 when the JVM does not report it. */
  private static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * Waits (at most 5 s) until the JIT has compiled nothing for a second, so compiler threads
   * finishing the warm-up's work do not bill their CPU to the measured window.
   */
  private static void awaitJitQuiet() throws InterruptedException {
    var jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      Thread.sleep(1000);
      return;
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    long last = jit.getTotalCompilationTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = jit.getTotalCompilationTime();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got '" + args[i] + "'");
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }

  private static String req(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }
}
