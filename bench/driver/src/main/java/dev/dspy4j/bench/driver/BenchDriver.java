package dev.dspy4j.bench.driver;

import dev.dspy4j.bench.harness.ScenarioResult;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs every scenario for every client, each (client, scenario) in a fresh JVM, against one bench
 * server JVM, then writes {@code bench/results/<timestamp>.md} and {@code .png} and refreshes
 * {@code BENCHMARKS.md}.
 *
 * <p>Usage: {@code java -jar bench/driver/target/bench-driver.jar [--quick|--full] [--clients a,b]
 * [--scenarios a,b] [--warmup-cpu-s N] [--jfr] [--bench-dir bench]}. {@code --warmup-cpu-s}
 * overrides the warm-up budget (3 CPU s quick, 45 full); {@code --jfr} records each client's
 * measured window with JDK Flight Recorder into the run's log directory (a profiling run: it never
 * updates BENCHMARKS.md, since the recorder costs CPU).
 *
 * <p>{@code --chart-from bench/results/<stamp>.md} runs nothing: it redraws that results file's PNG
 * ({@code <stamp>.png} beside it) from the figures in the file.
 */
public final class BenchDriver {

  /** The one command that reproduces a quick run from the repository root. */
  static final String QUICK_COMMAND =
      "mvn -B -q -Pbench package -DskipTests && java -jar bench/driver/target/bench-driver.jar --quick";

  /** Client JVM options, the same for every client. */
  static final List<String> CLIENT_JVM =
      List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true");

  private BenchDriver() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    int chartFrom = Arrays.asList(args).indexOf("--chart-from");
    if (chartFrom >= 0) {
      if (chartFrom + 1 >= args.length || args.length != 2) {
        throw new IllegalArgumentException("use --chart-from bench/results/<stamp>.md alone");
      }
      redrawChart(Path.of(args[chartFrom + 1]));
      return;
    }
    boolean quick = !Arrays.asList(args).contains("--full");
    List<String> only = List.of();
    List<String> onlyScenarios = List.of();
    Path benchDir = null;
    Integer warmupOverride = null;
    boolean jfr = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> only = List.of(args[++i].split(","));
        case "--scenarios" -> onlyScenarios = List.of(args[++i].split(","));
        case "--bench-dir" -> benchDir = Path.of(args[++i]);
        case "--warmup-cpu-s" -> warmupOverride = Integer.parseInt(args[++i]);
        case "--jfr" -> jfr = true;
        case "--quick", "--full" -> {}
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; use [--quick|--full] [--clients floor,dspy4j,...] [--scenarios a,b,c,d0,d1] [--warmup-cpu-s N] [--jfr] [--bench-dir bench]"
                    + " or --chart-from bench/results/<stamp>.md");
      }
    }
    if (benchDir == null) {
      benchDir = locateBenchDir();
    }
    benchDir = benchDir.toAbsolutePath().normalize();
    Path root = benchDir.getParent();
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path results = benchDir.resolve("results");
    Path logs = results.resolve("logs").resolve(stamp);
    Files.createDirectories(logs);

    Machine machine = Machine.read(javaBin());
    List<Scenario> scenarios = new ArrayList<>();
    for (Scenario s : Scenario.all(quick)) {
      if (onlyScenarios.isEmpty() || onlyScenarios.contains(s.id())) {
        scenarios.add(s);
      }
    }
    List<ClientModule> clients = new ArrayList<>();
    for (ClientModule c : ClientModule.ALL) {
      if (only.isEmpty() || only.contains(c.name())) {
        clients.add(c);
      }
    }

    int warmupCpuS = warmupOverride != null ? warmupOverride : quick ? 3 : 45;
    long t0 = System.nanoTime();
    List<Outcome> outcomes = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(benchDir, logs)) {
      for (Scenario s : scenarios) {
        for (ClientModule c : clients) {
          if (!s.runsFor(c.name())) {
            continue;
          }
          Outcome o = runOne(benchDir, logs, server, s, c, warmupCpuS, jfr);
          outcomes.add(o);
          System.out.printf(
              "%-12s %-3s %s%n",
              c.name(),
              s.id(),
              o.result()
                  .map(
                      r ->
                          String.format(
                              "%d ok, %d errors, %.1f s, %.2f CPU s/M tok (+%.2f JIT), peak threads %d",
                              r.completed(),
                              r.errors(),
                              r.wallSeconds(),
                              r.workCpuSecondsPerMillionTokens(),
                              r.cpuSecondsPerMillionTokens() - r.workCpuSecondsPerMillionTokens(),
                              r.peakThreads()))
                  .orElse("no result: " + o.failure()));
        }
      }
    }
    double minutes = (System.nanoTime() - t0) / 60e9;

    Report report =
        new Report(quick, stamp, machine, scenarios, clients, outcomes, minutes, warmupCpuS, jfr);
    Path md = results.resolve(stamp + ".md");
    Path png = results.resolve(stamp + ".png");
    Chart.write(report, png);
    Files.writeString(md, report.resultsFile(png.getFileName().toString()));
    boolean complete = only.isEmpty() && onlyScenarios.isEmpty() && warmupOverride == null && !jfr;
    if (complete) {
      // Only a run of every client and scenario may stand as the project's benchmark table.
      Files.writeString(
          root.resolve("BENCHMARKS.md"),
          report.benchmarksFile(root.relativize(md).toString(), root.relativize(png).toString()));
    }
    System.out.printf(
        "wrote %s, %s%s in %.1f min%n",
        root.relativize(md),
        root.relativize(png),
        complete
            ? " and BENCHMARKS.md"
            : " (partial, re-tuned or profiling run: BENCHMARKS.md left as it was)",
        minutes);
  }

  /** Redraws {@code <stamp>.png} beside the results file {@code <stamp>.md} from its figures. */
  private static void redrawChart(Path md) throws IOException {
    String name = md.getFileName().toString();
    if (!name.endsWith(".md")) {
      throw new IllegalArgumentException("--chart-from takes a results file <stamp>.md, not " + md);
    }
    ResultsFile results = ResultsFile.read(md);
    Path png = md.resolveSibling(name.substring(0, name.length() - ".md".length()) + ".png");
    Chart.write(results.cpuSecondsPerMillionTokens(), results.peakThreads(), png);
    System.out.println("wrote " + png);
  }

  private static Outcome runOne(
      Path benchDir,
      Path logs,
      ServerProcess server,
      Scenario s,
      ClientModule c,
      int warmupCpuS,
      boolean jfr)
      throws IOException, InterruptedException {
    Optional<String> cp = c.classpath(benchDir);
    if (cp.isEmpty()) {
      String why = "not built (bench/" + c.module() + " has no target/classpath.txt)";
      return new Outcome(c.name(), s.id(), Optional.empty(), why, 0);
    }
    long timeoutS = Math.max(120, s.total() / 20);
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.addAll(CLIENT_JVM);
    if (jfr) {
      // Method samples every 1 ms (JFR profile settings, sampling period lowered by the harness).
      cmd.add("-XX:+UnlockDiagnosticVMOptions");
      cmd.add("-XX:+DebugNonSafepoints");
    }
    cmd.addAll(
        List.of(
            "-cp",
            cp.get(),
            c.mainClass(),
            "--client",
            c.name(),
            "--scenario",
            s.id(),
            "--base",
            s.path(server.port()),
            "--total",
            Integer.toString(s.total()),
            "--concurrency",
            Integer.toString(s.concurrency()),
            "--tokens",
            Integer.toString(s.expectedDeltas()),
            "--warmup",
            Integer.toString(s.warmup()),
            "--warmup-cpu-s",
            Integer.toString(warmupCpuS),
            "--timeout-s",
            Long.toString(timeoutS),
            "--mode",
            s.mode(),
            "--live-heap",
            Boolean.toString(s.liveHeap())));
    if (jfr) {
      cmd.addAll(List.of("--jfr", logs.resolve(c.name() + "-" + s.id() + ".jfr").toString()));
    }
    Path out = logs.resolve(c.name() + "-" + s.id() + ".out");
    Path err = logs.resolve(c.name() + "-" + s.id() + ".err");
    double cpu0 = server.cpuSeconds();
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean exited = p.waitFor(timeoutS * 2 + 120, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor();
    }
    double serverCpu = server.cpuSeconds() - cpu0;
    Optional<ScenarioResult> result =
        Files.readAllLines(out).stream()
            .filter(l -> l.startsWith(ScenarioResult.PREFIX))
            .map(ScenarioResult::fromLine)
            .findFirst();
    String failure = "";
    if (result.isEmpty()) {
      failure =
          !exited
              ? "killed after " + (timeoutS * 2 + 120) + " s"
              : "exit " + p.exitValue() + ": " + lastLine(err);
    }
    return new Outcome(c.name(), s.id(), result, failure, serverCpu);
  }

  private static String lastLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (String l : lines) {
      if (l.contains("Exception") || l.contains("Error")) {
        return l.trim();
      }
    }
    return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).trim();
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path locateBenchDir() throws URISyntaxException {
    Path jar =
        Path.of(BenchDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // bench/driver/target/bench-driver.jar (or bench/driver/target/classes)
    Path candidate = jar.getParent().getParent().getParent();
    if (Files.isDirectory(candidate.resolve("server"))) {
      return candidate;
    }
    Path cwd = Path.of("bench");
    if (Files.isDirectory(cwd.resolve("server"))) {
      return cwd;
    }
    throw new IllegalStateException(
        "cannot find the bench directory; pass --bench-dir <repo>/bench");
  }

  /** The bench server JVM; {@link #cpuSeconds()} asks it for its CPU time so far. */
  static final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final int port;

    private ServerProcess(Process process, BufferedReader out, BufferedWriter in, int port) {
      this.process = process;
      this.out = out;
      this.in = in;
      this.port = port;
    }

    static ServerProcess start(Path benchDir, Path logs) throws IOException {
      Path target = benchDir.resolve("server").resolve("target");
      Path cpFile = target.resolve("classpath.txt");
      if (!Files.isRegularFile(cpFile)) {
        throw new IllegalStateException(
            "bench server not built: run " + QUICK_COMMAND.split(" && ")[0]);
      }
      String cp = target.resolve("classes") + File.pathSeparator + Files.readString(cpFile).trim();
      Process p =
          new ProcessBuilder(
                  javaBin(), "-Xmx512m", "-cp", cp, "dev.dspy4j.bench.server.BenchServer", "0", "1")
              .redirectError(logs.resolve("server.err").toFile())
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      BufferedWriter in =
          new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("PORT ")) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "bench server did not start: " + line + " (see " + logs.resolve("server.err") + ")");
      }
      return new ServerProcess(p, out, in, Integer.parseInt(line.substring(5).trim()));
    }

    int port() {
      return port;
    }

    double cpuSeconds() throws IOException {
      in.write("cpu\n");
      in.flush();
      String line = out.readLine();
      if (line == null || !line.startsWith("CPU ")) {
        throw new IllegalStateException("bench server stopped answering: " + line);
      }
      return Double.parseDouble(line.substring(4).trim());
    }

    @Override
    public void close() throws IOException, InterruptedException {
      try {
        in.write("quit\n");
        in.flush();
      } catch (IOException alreadyGone) {
        // it exited on its own; nothing to stop
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
