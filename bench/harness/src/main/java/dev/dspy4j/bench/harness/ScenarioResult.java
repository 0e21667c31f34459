package dev.dspy4j.bench.harness;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one client JVM measured for one scenario, in its measured window (after warm-up). {@code
 * jitMillis} is the JIT's compilation time inside the window (-1 when unknown), from {@code
 * CompilationMXBean}: elapsed time of the compilations, not their CPU (on 2 busy cores a
 * compilation waits for a core), so it shows whether the JIT was still working, not what it cost;
 * {@code compilerCpuSeconds} is what it cost: the CPU of the JIT compiler threads in the window (-1
 * when unknown, see {@link CompilerCpu}), part of {@code cpuSeconds}. Travels to the driver as one
 * {@code RESULT k=v;k=v} line on stdout.
 */
public record ScenarioResult(
    String client,
    String scenario,
    int completed,
    int errors,
    double wallSeconds,
    long tokens,
    double cpuSeconds,
    double ttftP50Micros,
    double ttftP99Micros,
    int baselineThreads,
    int peakThreads,
    long threadsStarted,
    int maxInFlight,
    double peakHeapAfterGcMb,
    long jitMillis,
    double compilerCpuSeconds,
    String firstError) {

  /** Line prefix the driver looks for. */
  public static final String PREFIX = "RESULT ";

  /** Completions per wall-clock second. */
  public double completionsPerSecond() {
    return wallSeconds > 0 ? completed / wallSeconds : 0;
  }

  /** Process CPU seconds spent per million streamed tokens, the JIT compilers' included. */
  public double cpuSecondsPerMillionTokens() {
    return tokens > 0 ? cpuSeconds / tokens * 1_000_000 : Double.NaN;
  }

  /**
   * Process CPU seconds in the window without the JIT compiler threads' (all of it when their CPU
   * is unknown): the client's own work, its garbage collection included.
   */
  public double workCpuSeconds() {
    return compilerCpuSeconds < 0 ? cpuSeconds : cpuSeconds - compilerCpuSeconds;
  }

  /** {@link #workCpuSeconds()} per million streamed tokens. */
  public double workCpuSecondsPerMillionTokens() {
    return tokens > 0 ? workCpuSeconds() / tokens * 1_000_000 : Double.NaN;
  }

  /** Threads alive at the peak beyond those alive before the client was built. */
  public int threadsAddedAtPeak() {
    return peakThreads - baselineThreads;
  }

  /** Encodes this result as one line. */
  public String toLine() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("client", client);
    m.put("scenario", scenario);
    m.put("completed", Integer.toString(completed));
    m.put("errors", Integer.toString(errors));
    m.put("wallSeconds", fmt(wallSeconds));
    m.put("tokens", Long.toString(tokens));
    m.put("cpuSeconds", fmt(cpuSeconds));
    m.put("ttftP50Micros", fmt(ttftP50Micros));
    m.put("ttftP99Micros", fmt(ttftP99Micros));
    m.put("baselineThreads", Integer.toString(baselineThreads));
    m.put("peakThreads", Integer.toString(peakThreads));
    m.put("threadsStarted", Long.toString(threadsStarted));
    m.put("maxInFlight", Integer.toString(maxInFlight));
    m.put("peakHeapAfterGcMb", fmt(peakHeapAfterGcMb));
    m.put("jitMillis", Long.toString(jitMillis));
    m.put("compilerCpuSeconds", fmt(compilerCpuSeconds));
    m.put("firstError", firstError.replaceAll("[;=\\r\\n]", " "));
    StringBuilder sb = new StringBuilder(PREFIX);
    m.forEach((k, v) -> sb.append(k).append('=').append(v).append(';'));
    return sb.toString();
  }

  /** Decodes a line written by {@link #toLine()}. */
  public static ScenarioResult fromLine(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a result line: " + line);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : line.substring(PREFIX.length()).split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        m.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return new ScenarioResult(
        m.get("client"),
        m.get("scenario"),
        Integer.parseInt(m.get("completed")),
        Integer.parseInt(m.get("errors")),
        Double.parseDouble(m.get("wallSeconds")),
        Long.parseLong(m.get("tokens")),
        Double.parseDouble(m.get("cpuSeconds")),
        Double.parseDouble(m.get("ttftP50Micros")),
        Double.parseDouble(m.get("ttftP99Micros")),
        Integer.parseInt(m.get("baselineThreads")),
        Integer.parseInt(m.get("peakThreads")),
        Long.parseLong(m.get("threadsStarted")),
        Integer.parseInt(m.get("maxInFlight")),
        Double.parseDouble(m.get("peakHeapAfterGcMb")),
        Long.parseLong(m.getOrDefault("jitMillis", "-1")),
        Double.parseDouble(m.getOrDefault("compilerCpuSeconds", "-1")),
        m.getOrDefault("firstError", ""));
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
