package dev.dspy4j.core.evaluate.internal;

import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.batch.BatchProgress;
import dev.dspy4j.core.evaluate.EvaluationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluate's outputs as DSPy writes them: merged rows, CSV, JSON, a text table, the progress line.
 */
public final class EvaluationOutputs {

  private static final int BAR_WIDTH = 30;

  private EvaluationOutputs() {}

  /**
   * DSPy's {@code merge_dicts(example, prediction) | {metric_name: score}} per row: example keys,
   * then prediction keys; a key present in both becomes {@code example_k} and {@code pred_k}.
   */
  public static List<Map<String, Object>> rows(EvaluationResult result, String metricName) {
    var out = new ArrayList<Map<String, Object>>(result.rows().size());
    for (EvaluationResult.Row row : result.rows()) {
      Map<String, Object> example = row.example().values();
      Map<String, Object> prediction = row.prediction().fields();
      var merged = new LinkedHashMap<String, Object>();
      example.forEach((k, v) -> merged.put(prediction.containsKey(k) ? "example_" + k : k, v));
      prediction.forEach((k, v) -> merged.put(example.containsKey(k) ? "pred_" + k : k, v));
      merged.put(metricName, row.score());
      out.add(merged);
    }
    return out;
  }

  /**
   * {@code csv.DictWriter}: the first row's keys as the header, CRLF line ends, minimal quoting.
   */
  public static void writeCsv(Path file, List<Map<String, Object>> rows) {
    var columns = new ArrayList<>(rows.get(0).keySet());
    var sb = new StringBuilder();
    appendCsvLine(sb, new ArrayList<>(columns));
    for (Map<String, Object> row : rows) {
      var cells = new ArrayList<Object>();
      for (String c : columns) {
        cells.add(row.getOrDefault(c, ""));
      }
      appendCsvLine(sb, cells);
    }
    write(file, sb.toString());
  }

  private static void appendCsvLine(StringBuilder sb, List<?> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) sb.append(',');
      String cell = cells.get(i) instanceof String s ? s : PyJson.render(cells.get(i));
      if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
        sb.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(cell);
      }
    }
    sb.append("\r\n");
  }

  /** {@code json.dump(rows, f)}: a JSON array of the row objects. */
  public static void writeJson(Path file, List<Map<String, Object>> rows) {
    write(file, PyJson.dumps(PyJson.toJsonable(rows)));
  }

  /**
   * A plain-text table of the first {@code maxRows} rows: cells cut to 25 words with {@code ...},
   * the metric column as {@code ✔️ [0.750]}; a closing line tells how many rows were left out.
   */
  public static String table(List<Map<String, Object>> rows, String metricName, int maxRows) {
    var columns = new LinkedHashSet<String>();
    rows.forEach(r -> columns.addAll(r.keySet()));
    var cells = new ArrayList<List<String>>();
    cells.add(new ArrayList<>(columns));
    for (Map<String, Object> row : rows.subList(0, Math.min(maxRows, rows.size()))) {
      var line = new ArrayList<String>();
      for (String c : columns) {
        Object v = row.get(c);
        line.add(
            v == null
                ? ""
                : c.equals(metricName)
                    ? String.format(Locale.ROOT, "✔️ [%.3f]", ((Number) v).doubleValue())
                    : truncate(v instanceof String s ? s : PyJson.render(v)));
      }
      cells.add(line);
    }
    int[] widths = new int[columns.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < line.size(); i++) widths[i] = Math.max(widths[i], line.get(i).length());
    }
    var sb = new StringBuilder();
    for (List<String> line : cells) {
      for (int i = 0; i < line.size(); i++) {
        if (i > 0) sb.append("  ");
        sb.append(line.get(i)).append(" ".repeat(widths[i] - line.get(i).length()));
      }
      sb.append('\n');
    }
    if (rows.size() > maxRows) {
      sb.append("... ").append(rows.size() - maxRows).append(" more rows not displayed ...\n");
    }
    return sb.toString();
  }

  /** DSPy's {@code truncate_cell}: at most 25 words, then {@code ...}. */
  static String truncate(String text) {
    List<String> words = PyStrings.split(text);
    return words.size() > 25 ? String.join(" ", words.subList(0, 25)) + "..." : text;
  }

  /** The progress line: a bar and the batch summary with ETA. */
  public static String progressLine(BatchProgress progress) {
    long total = progress.total().orElse(0);
    int filled = total > 0 ? (int) Math.min(BAR_WIDTH, progress.done() * BAR_WIDTH / total) : 0;
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + progress.summary();
  }

  /** A sum as Python prints it: {@code 3} for a whole number of passes, else the float's repr. */
  public static String number(double total) {
    return total == Math.rint(total) && Math.abs(total) < 1e15
        ? Long.toString((long) total)
        : PyJson.floatRepr(total);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write evaluation results to " + file + ": " + e.getMessage(), e);
    }
  }
}
