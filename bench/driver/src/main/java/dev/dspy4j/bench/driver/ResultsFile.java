package dev.dspy4j.bench.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the chart's figures back from a committed results file ({@code bench/results/<stamp>.md}),
 * so that {@code --chart-from} redraws its PNG without running the benchmark again. Reads the "All
 * measurements" table by its column names: per client, the first row of scenario (a) gives CPU s
 * per million tokens ({@code (CPU s - JIT compilers CPU s) / tokens}; files from before that column
 * have process CPU only), the first row of (b) its peak threads.
 */
final class ResultsFile {

  private static final String TABLE_HEADING = "## All measurements";

  private final Map<String, Map<String, String>> firstRowByClientAndScenario;
  private final List<String> clients;

  private ResultsFile(Map<String, Map<String, String>> rows, List<String> clients) {
    this.firstRowByClientAndScenario = rows;
    this.clients = clients;
  }

  /** Parses {@code md}; fails naming the file if it has no "All measurements" table. */
  static ResultsFile read(Path md) throws IOException {
    List<String> lines = Files.readAllLines(md);
    int heading = lines.indexOf(TABLE_HEADING);
    if (heading < 0) {
      throw new IllegalArgumentException(
          md + " has no '" + TABLE_HEADING + "' table: is it a bench results file?");
    }
    int i = heading + 1;
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    if (i + 1 >= lines.size()) {
      throw new IllegalArgumentException(
          md + ": the '" + TABLE_HEADING + "' table has no header row");
    }
    List<String> header = cells(lines.get(i));
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    List<String> clients = new ArrayList<>();
    for (int r = i + 2; r < lines.size() && lines.get(r).startsWith("|"); r++) {
      List<String> cells = cells(lines.get(r));
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < Math.min(header.size(), cells.size()); c++) {
        row.put(header.get(c), cells.get(c));
      }
      String client = require(row, "client", md);
      if (!clients.contains(client)) {
        clients.add(client);
      }
      rows.putIfAbsent(client + "/" + require(row, "scenario", md), row);
    }
    return new ResultsFile(rows, clients);
  }

  /** Scenario (a)'s CPU seconds per million tokens, per client that completed streams in it. */
  List<Chart.Bar> cpuSecondsPerMillionTokens() {
    List<Chart.Bar> bars = new ArrayList<>();
    for (String client : clients) {
      Map<String, String> a = firstRowByClientAndScenario.get(client + "/a");
      if (a != null && number(a, "completed") > 0 && number(a, "tokens") > 0) {
        String compiler = a.get("JIT compilers CPU s");
        double work =
            number(a, "CPU s")
                - (compiler == null || compiler.equals("–") ? 0 : number(a, "JIT compilers CPU s"));
        bars.add(new Chart.Bar(client, work / number(a, "tokens") * 1_000_000));
      }
    }
    return bars;
  }

  /** Scenario (b)'s peak live threads, per client that completed streams in it. */
  List<Chart.Bar> peakThreads() {
    List<Chart.Bar> bars = new ArrayList<>();
    for (String client : clients) {
      Map<String, String> b = firstRowByClientAndScenario.get(client + "/b");
      if (b != null && number(b, "completed") > 0) {
        bars.add(new Chart.Bar(client, number(b, "peak threads")));
      }
    }
    return bars;
  }

  private static List<String> cells(String line) {
    String inner = line.strip();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
  }

  private static String require(Map<String, String> row, String column, Path md) {
    String v = row.get(column);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(
          md + ": a row of '" + TABLE_HEADING + "' has no '" + column + "' cell");
    }
    return v;
  }

  private static double number(Map<String, String> row, String column) {
    String v = row.get(column);
    if (v == null) {
      throw new IllegalArgumentException(
          "the '" + TABLE_HEADING + "' table has no '" + column + "' column");
    }
    return Double.parseDouble(v.replace(",", ""));
  }
}
