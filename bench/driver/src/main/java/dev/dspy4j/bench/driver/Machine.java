package dev.dspy4j.bench.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on, as the report states it.
 *
 * @param cores available processors
 * @param memory MemTotal from /proc/meminfo
 * @param javaVersion what {@code java -version} printed for the JVM the clients ran on
 * @param loadAverage /proc/loadavg at the start (other work on a shared machine shows here)
 * @param os os.name, os.version, os.arch
 */
record Machine(int cores, String memory, String javaVersion, String loadAverage, String os) {

  static Machine read(String javaBin) throws IOException, InterruptedException {
    String mem = "unknown";
    Path meminfo = Path.of("/proc/meminfo");
    if (Files.isReadable(meminfo)) {
      for (String l : Files.readAllLines(meminfo)) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
          mem = String.format("%.1f GiB", kb / 1024.0 / 1024.0);
        }
      }
    }
    String load =
        Files.isReadable(Path.of("/proc/loadavg"))
            ? Files.readString(Path.of("/proc/loadavg")).trim()
            : "unknown";
    Process p = new ProcessBuilder(javaBin, "-version").redirectErrorStream(true).start();
    String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(30, TimeUnit.SECONDS);
    String os =
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch");
    return new Machine(Runtime.getRuntime().availableProcessors(), mem, version, load, os);
  }

  List<String> lines() {
    return List.of(
        "cores: " + cores,
        "memory: " + memory,
        "os: " + os,
        "load average at start: " + loadAverage,
        "java -version:",
        "",
        "```",
        javaVersion,
        "```");
  }
}
