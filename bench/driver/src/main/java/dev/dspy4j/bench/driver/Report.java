package dev.dspy4j.bench.driver;

import dev.dspy4j.bench.harness.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns one run's outcomes into the markdown of the results file and of BENCHMARKS.md. */
final class Report {

  private final boolean quick;
  private final String stamp;
  private final Machine machine;
  private final List<Scenario> scenarios;
  private final List<ClientModule> clients;
  private final List<Outcome> outcomes;
  private final double minutes;
  private final int warmupCpuS;
  private final boolean jfr;

  Report(
      boolean quick,
      String stamp,
      Machine machine,
      List<Scenario> scenarios,
      List<ClientModule> clients,
      List<Outcome> outcomes,
      double minutes,
      int warmupCpuS,
      boolean jfr) {
    this.warmupCpuS = warmupCpuS;
    this.jfr = jfr;
    this.quick = quick;
    this.stamp = stamp;
    this.machine = machine;
    this.scenarios = scenarios;
    this.clients = clients;
    this.outcomes = outcomes;
    this.minutes = minutes;
  }

  List<ClientModule> clients() {
    return clients;
  }

  Optional<ScenarioResult> result(String client, String scenario) {
    return outcome(client, scenario).flatMap(Outcome::result);
  }

  /** Every result of {@code client} in {@code scenario}, in run order (scenario (d) repeats). */
  List<ScenarioResult> results(String client, String scenario) {
    return outcomes.stream()
        .filter(o -> o.client().equals(client) && o.scenario().equals(scenario))
        .flatMap(o -> o.result().stream())
        .toList();
  }

  Optional<Outcome> outcome(String client, String scenario) {
    return outcomes.stream()
        .filter(o -> o.client().equals(client) && o.scenario().equals(scenario))
        .findFirst();
  }

  String mode() {
    return quick ? "quick" : "full";
  }

  /** The main comparison table, one row per client. */
  String table() {
    Optional<ScenarioResult> floorA = result(ClientModule.FLOOR, "a");
    Optional<ScenarioResult> floorC = result(ClientModule.FLOOR, "c");
    int bTotal =
        scenarios.stream()
            .filter(s -> s.id().equals("b"))
            .mapToInt(Scenario::total)
            .findFirst()
            .orElse(0);
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| client | (a) completions/s | (a) CPU s per M tokens | (a) CPU vs floor | (a) JIT compilers' CPU s per M tokens | (c) TTFT p50 / p99 µs "
            + "| (c) added TTFT p50 / p99 µs | (b) streams completed | (b) max in flight | (b) peak threads (added) "
            + "| (b) peak heap after GC MB | errors a / b / c |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ClientModule c : clients) {
      Optional<ScenarioResult> a = result(c.name(), "a");
      Optional<ScenarioResult> rb = result(c.name(), "b");
      Optional<ScenarioResult> rc = result(c.name(), "c");
      if (a.isEmpty() && rb.isEmpty() && rc.isEmpty()) {
        String why = outcome(c.name(), "a").map(Outcome::failure).orElse("not run");
        sb.append("| ").append(c.label()).append(" | ").append(why).append(" ||||||||||| \n");
        continue;
      }
      sb.append("| ").append(c.label());
      sb.append(" | ").append(a.map(r -> f0(r.completionsPerSecond())).orElse(fail(c, "a")));
      sb.append(" | ").append(a.map(r -> f2(r.workCpuSecondsPerMillionTokens())).orElse("–"));
      sb.append(" | ")
          .append(
              a.flatMap(
                      r ->
                          floorA.map(
                              fl ->
                                  f2(
                                          r.workCpuSecondsPerMillionTokens()
                                              / fl.workCpuSecondsPerMillionTokens())
                                      + "×"))
                  .orElse("–"));
      sb.append(" | ")
          .append(
              a.map(
                      r ->
                          r.compilerCpuSeconds() < 0
                              ? "unknown"
                              : f2(r.compilerCpuSeconds() / r.tokens() * 1_000_000))
                  .orElse("–"));
      sb.append(" | ")
          .append(
              rc.map(r -> f0(r.ttftP50Micros()) + " / " + f0(r.ttftP99Micros()))
                  .orElse(fail(c, "c")));
      sb.append(" | ")
          .append(
              rc.flatMap(
                      r ->
                          floorC.map(
                              fl ->
                                  signed(r.ttftP50Micros() - fl.ttftP50Micros())
                                      + " / "
                                      + signed(r.ttftP99Micros() - fl.ttftP99Micros())))
                  .orElse("–"));
      sb.append(" | ").append(rb.map(r -> r.completed() + " / " + bTotal).orElse(fail(c, "b")));
      sb.append(" | ").append(rb.map(r -> Integer.toString(r.maxInFlight())).orElse("–"));
      sb.append(" | ")
          .append(rb.map(r -> r.peakThreads() + " (+" + r.threadsAddedAtPeak() + ")").orElse("–"));
      sb.append(" | ")
          .append(
              rb.map(r -> r.peakHeapAfterGcMb() > 0 ? f0(r.peakHeapAfterGcMb()) : "no GC")
                  .orElse("–"));
      sb.append(" | ")
          .append(a.map(r -> Integer.toString(r.errors())).orElse("–"))
          .append(" / ")
          .append(rb.map(r -> Integer.toString(r.errors())).orElse("–"))
          .append(" / ")
          .append(rc.map(r -> Integer.toString(r.errors())).orElse("–"));
      sb.append(" |\n");
    }
    return sb.toString();
  }

  /**
   * One (d) pair: LM.stream and ChainOfThought.stream on the same reply, run one after the other.
   */
  private record CotPair(ScenarioResult lmStream, ScenarioResult cot) {
    double lmStreamCpuPerCompletion() {
      return lmStream.workCpuSeconds() / Math.max(1, lmStream.completed());
    }

    double cotCpuPerCompletion() {
      return cot.workCpuSeconds() / Math.max(1, cot.completed());
    }

    double overhead() {
      return cotCpuPerCompletion() / lmStreamCpuPerCompletion() - 1;
    }
  }

  /**
   * Scenario (d) runs in pairs (LM.stream, then ChainOfThought.stream): the i-th d0 with the i-th
   * d1.
   */
  private List<CotPair> cotPairs() {
    List<ScenarioResult> d0 = results(ClientModule.DSPY4J, "d0");
    List<ScenarioResult> d1 = results(ClientModule.DSPY4J, "d1");
    List<CotPair> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < Math.min(d0.size(), d1.size()); i++) {
      pairs.add(new CotPair(d0.get(i), d1.get(i)));
    }
    return pairs;
  }

  /** The median overhead of ChainOfThought over LM.stream across the (d) pairs, if any ran. */
  private Optional<Double> cotOverhead() {
    double[] ratios = cotPairs().stream().mapToDouble(CotPair::overhead).sorted().toArray();
    int n = ratios.length;
    if (n == 0) {
      return Optional.empty();
    }
    return Optional.of(n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2);
  }

  /**
   * Scenario (d): ChainOfThought end to end against LM.stream alone, both dspy4j; every pair and
   * the median.
   */
  String cotTable() {
    List<CotPair> pairs = cotPairs();
    if (pairs.isEmpty()) {
      return "Scenario (d) (dspy4j only) was not measured in this run: "
          + outcome(ClientModule.DSPY4J, "d1")
              .map(Outcome::failure)
              .orElse("the dspy4j client was not selected")
          + ".\n";
    }
    StringBuilder sb =
        new StringBuilder(
            "| pair | LM.stream completions/s | LM.stream CPU ms per completion"
                + " | ChainOfThought.stream completions/s | ChainOfThought CPU ms per completion | overhead | errors |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < pairs.size(); i++) {
      CotPair p = pairs.get(i);
      sb.append("| ")
          .append(i + 1)
          .append(" | ")
          .append(f0(p.lmStream().completionsPerSecond()))
          .append(" | ")
          .append(f3(p.lmStreamCpuPerCompletion() * 1000))
          .append(" | ")
          .append(f0(p.cot().completionsPerSecond()))
          .append(" | ")
          .append(f3(p.cotCpuPerCompletion() * 1000))
          .append(" | ")
          .append(f1(p.overhead() * 100))
          .append(" % | ")
          .append(p.lmStream().errors())
          .append(" / ")
          .append(p.cot().errors())
          .append(" |\n");
    }
    return sb.append("\nChainOfThought CPU overhead over LM.stream: ")
        .append(f1(cotOverhead().orElseThrow() * 100))
        .append(" %")
        .append(pairs.size() > 1 ? " (median of " + pairs.size() + " interleaved pairs)" : "")
        .append("\n")
        .toString();
  }

  /** The targets for dspy4j, each met or missed with its figure, or why it is open. */
  String targets() {
    Optional<ScenarioResult> d = result(ClientModule.DSPY4J, "a");
    if (d.isEmpty()) {
      return "dspy4j was not measured in this run ("
          + outcome(ClientModule.DSPY4J, "a").map(Outcome::failure).orElse("not selected")
          + "), so its targets are open.\n";
    }
    List<String> lines = new ArrayList<>();
    double dCpu = d.get().workCpuSecondsPerMillionTokens();
    result(ClientModule.FLOOR, "a")
        .ifPresent(
            fl -> {
              double ratio = dCpu / fl.workCpuSecondsPerMillionTokens();
              lines.add(
                  verdict(
                      ratio <= 1.3,
                      "CPU per million tokens within 1.3× of the floor",
                      f2(ratio) + "×"));
            });
    double bestPeer = Double.MAX_VALUE;
    String bestName = "";
    for (ClientModule c : clients) {
      if (c.name().equals(ClientModule.FLOOR) || c.name().equals(ClientModule.DSPY4J)) {
        continue;
      }
      Optional<ScenarioResult> r = result(c.name(), "a");
      if (r.isPresent() && r.get().workCpuSecondsPerMillionTokens() < bestPeer) {
        bestPeer = r.get().workCpuSecondsPerMillionTokens();
        bestName = c.name();
      }
    }
    if (!bestName.isEmpty()) {
      double x = bestPeer / dCpu;
      lines.add(
          verdict(
              x >= 3,
              "CPU per million tokens at least 3× lower than the best peer (" + bestName + ")",
              f2(x) + "× lower"));
    }
    result(ClientModule.DSPY4J, "b")
        .ifPresent(
            r -> {
              int allowed = 2 * machine.cores() + 8;
              lines.add(
                  verdict(
                      r.completed() == scenario("b").total(),
                      "(b) all streams complete",
                      r.completed() + " / " + scenario("b").total()));
              lines.add(
                  verdict(
                      r.threadsAddedAtPeak() <= allowed,
                      "(b) at most 2 × cores + 8 = " + allowed + " threads added",
                      "+" + r.threadsAddedAtPeak()));
              lines.add(
                  verdict(
                      r.peakHeapAfterGcMb() < 512,
                      "(b) under 512 MB heap",
                      f0(r.peakHeapAfterGcMb()) + " MB"));
            });
    result(ClientModule.DSPY4J, "c")
        .ifPresent(
            r ->
                result(ClientModule.FLOOR, "c")
                    .ifPresent(
                        fl -> {
                          double added = r.ttftP99Micros() - fl.ttftP99Micros();
                          lines.add(
                              verdict(
                                  added < 1000,
                                  "added TTFT p99 under 1 ms over the floor",
                                  signed(added) + " µs"));
                        }));
    cotOverhead()
        .ifPresent(
            over -> {
              lines.add(
                  verdict(
                      over <= 0.10,
                      "ChainOfThought CPU overhead over LM.stream at most 10 % (issue 14)",
                      f1(over * 100) + " %"));
              lines.add(
                  verdict(
                      over < 0.05,
                      "ChainOfThought CPU overhead over LM.stream under 5 % (issue 9)",
                      f1(over * 100) + " %"));
            });
    return String.join("\n", lines) + "\n";
  }

  /** Every measurement of the run, for whoever wants to check the derived columns. */
  String rawTable() {
    StringBuilder sb =
        new StringBuilder(
            "| client | scenario | completed | errors | wall s | tokens | CPU s "
                + "| TTFT p50 µs | TTFT p99 µs | baseline threads | peak threads | threads started | max in flight "
                + "| peak heap MB | JIT compiling ms (elapsed) in window | JIT compilers CPU s | server CPU s | first error |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Outcome o : outcomes) {
      if (o.result().isEmpty()) {
        sb.append("| ")
            .append(o.client())
            .append(" | ")
            .append(o.scenario())
            .append(" | ")
            .append(o.failure().replace("|", "/"))
            .append(" |||||||||||||||| \n");
        continue;
      }
      ScenarioResult r = o.result().get();
      sb.append("| ")
          .append(o.client())
          .append(" | ")
          .append(o.scenario())
          .append(" | ")
          .append(r.completed())
          .append(" | ")
          .append(r.errors())
          .append(" | ")
          .append(f2(r.wallSeconds()))
          .append(" | ")
          .append(r.tokens())
          .append(" | ")
          .append(f2(r.cpuSeconds()))
          .append(" | ")
          .append(f0(r.ttftP50Micros()))
          .append(" | ")
          .append(f0(r.ttftP99Micros()))
          .append(" | ")
          .append(r.baselineThreads())
          .append(" | ")
          .append(r.peakThreads())
          .append(" | ")
          .append(r.threadsStarted())
          .append(" | ")
          .append(r.maxInFlight())
          .append(" | ")
          .append(r.peakHeapAfterGcMb() > 0 ? f0(r.peakHeapAfterGcMb()) : "no GC in window")
          .append(" | ")
          .append(r.jitMillis() < 0 ? "–" : Long.toString(r.jitMillis()))
          .append(" | ")
          .append(r.compilerCpuSeconds() < 0 ? "–" : f2(r.compilerCpuSeconds()))
          .append(" | ")
          .append(f2(o.serverCpuSec()))
          .append(" | ")
          .append(r.firstError().replace("|", "/"))
          .append(" |\n");
    }
    return sb.toString();
  }

  String scenarioList() {
    StringBuilder sb = new StringBuilder();
    for (Scenario s : scenarios.stream().distinct().toList()) {
      sb.append("- ")
          .append(s.title())
          .append(" (warm-up: rounds of ")
          .append(s.warmup())
          .append(
              " completions, then sized to ~1.5 CPU s, until the JIT compilers use under 10 % of a round's CPU"
                  + " and the CPU per completion without them is steady within 10 %; at most 12 rounds or "
                  + warmupCpuS
                  + " CPU s)\n");
    }
    return sb.toString();
  }

  String resultsFile(String pngName) {
    return "# Bench run "
        + stamp
        + " ("
        + mode()
        + " mode, "
        + f1(minutes)
        + " min)\n\n"
        + (jfr
            ? "**Profiling run** (JDK Flight Recorder on in every client's measured window, which costs CPU):"
                + " the recordings are in bench/results/logs/"
                + stamp
                + "/; compare these figures only with each other.\n\n"
            : "")
        + "![CPU per million tokens and peak threads]("
        + pngName
        + ")\n\n"
        + "## Clients side by side\n\n"
        + table()
        + "\n"
        + "## ChainOfThought end to end vs LM.stream (dspy4j)\n\n"
        + cotTable()
        + "\n"
        + "## dspy4j targets\n\n"
        + targets()
        + "\n"
        + "## Scenarios\n\n"
        + scenarioList()
        + "\n"
        + "## Machine\n\n"
        + String.join("\n", machine.lines())
        + "\n\n"
        + "## How each client is configured\n\n"
        + fairness()
        + "\n"
        + "## All measurements\n\n"
        + rawTable();
  }

  String benchmarksFile(String mdPath, String pngPath) {
    return "# Benchmarks\n\n"
        + "Streaming chat completions on the JVM: dspy4j against the bare Reactor Netty floor and the Java\n"
        + "peers, all in one run on one machine against one local OpenAI-compatible SSE server (its own JVM,\n"
        + "pre-encoded chunks, usage chunk and `data: [DONE]` like the Helicone gateway). Each client runs in\n"
        + "its own JVM per scenario. Absolute numbers on a shared 2-core machine are noise; read the ratios.\n\n"
        + "Latest run: `"
        + mdPath
        + "` ("
        + mode()
        + " mode, "
        + stamp
        + ", "
        + f1(minutes)
        + " min).\n\n"
        + "Reproduce (from the repository root):\n\n```\n"
        + BenchDriver.QUICK_COMMAND
        + "\n```\n\n"
        + "(`--full` instead of `--quick` runs the issue's full counts: 20,000 × 200 tokens at 256, 10,000\n"
        + "concurrent streams, 10,000 sequential TTFT streams.)\n\n"
        + "![CPU per million tokens and peak threads]("
        + pngPath
        + ")\n\n"
        + table()
        + "\n"
        + "How to read it: (a) CPU s per M tokens is client-process CPU time (OperatingSystemMXBean) over the\n"
        + "measured window, without the JIT compiler threads' (read from /proc, shown in their own column),\n"
        + "divided by tokens streamed: the client's own work, its garbage collection included. On 2 cores the\n"
        + "C2 compiler keeps a core busy for tens of seconds of a client's run; each client warms up until the\n"
        + "compilers use under 10 % of a round's CPU, and what they still use in the window is a warm-up cost,\n"
        + "not a per-token one. \"added TTFT\" is the client's time to first token minus\n"
        + "the floor's in scenario (c); (b) peak threads counts live threads in the client JVM at the peak, and\n"
        + "(added) those beyond the JVM's own before the client was built; peak heap is the largest heap\n"
        + "occupancy right after a GC, including one full GC forced once every stream is open. The chart's\n"
        + "thread panel (b) has a logarithmic axis and every bar its value written on it: ~10 threads and\n"
        + "thousands in one panel.\n\n"
        + "## ChainOfThought end to end vs LM.stream\n\n"
        + cotTable()
        + "\n"
        + "## dspy4j targets\n\n"
        + (quick
            ? "Quick mode: short windows after a warm-up capped at "
                + warmupCpuS
                + " CPU s, so these verdicts are\n"
                + "indicative only (the JIT may still be compiling); judge the targets on `--full` runs (see\n"
                + "docs/notes/bench.md).\n\n"
            : "")
        + targets()
        + "\n"
        + "## Scenarios in this run\n\n"
        + scenarioList()
        + "\n"
        + "## Machine\n\n"
        + String.join("\n", machine.lines())
        + "\n\n"
        + "## How each client is configured\n\n"
        + fairness();
  }

  static String fairness() {
    return "Every client: retries off, timeouts 120 s or more, HTTP/1.1, usage requested, a pool that admits the\n"
        + "scenario's concurrency, JVM options `"
        + String.join(" ", BenchDriver.CLIENT_JVM)
        + "`.\n\n"
        + "- floor: Reactor Netty `HttpClient` (reactor-bom 2025.0.7, as dspy4j), fixed pool sized to the\n"
        + "  concurrency, POST of a pre-encoded body, counts response bytes, decodes nothing.\n"
        + "- dspy4j: `LM.builder(model).apiKey(k).apiBase(url).numRetries(0).cache(false)`, `LM.stream`.\n"
        + "- openai-java 4.101.0: `OpenAIOkHttpClientAsync` with `maxRetries(0)` over a supplied OkHttp client\n"
        + "  (HTTP/1.1, dispatcher maxRequests/perHost = concurrency, generous timeouts),\n"
        + "  `chat().completions().createStreaming(...).subscribe(handler)`, `stream_options.include_usage`.\n"
        + "- LangChain4j 1.19.0: `OpenAiStreamingChatModel` on its default JDK `HttpClient`, version forced\n"
        + "  to HTTP/1.1; includes usage by default; no retries on streaming.\n"
        + "- Spring AI 2.0.1: `OpenAiChatModel.stream` built without Spring Boot; 2.0 runs on the OpenAI Java\n"
        + "  SDK (openai-java-core 4.49.0) over Spring AI's OkHttp client, whose dispatcher is raised to the\n"
        + "  concurrency; `maxRetries(0)`, `streamUsage(true)`.\n";
  }

  private Scenario scenario(String id) {
    return scenarios.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private String fail(ClientModule c, String scenario) {
    return outcome(c.name(), scenario)
        .map(o -> "failed: " + o.failure().replace("|", "/"))
        .orElse("–");
  }

  private static String verdict(boolean met, String target, String figure) {
    return "- " + (met ? "**met**" : "**missed**") + ": " + target + " — " + figure;
  }

  static String f0(double d) {
    return String.format(Locale.ROOT, "%,.0f", d);
  }

  static String f1(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  static String f2(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  static String f3(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  static String signed(double d) {
    return String.format(Locale.ROOT, "%+,.0f", d);
  }
}
