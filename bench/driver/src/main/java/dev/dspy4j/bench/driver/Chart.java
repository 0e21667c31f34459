package dev.dspy4j.bench.driver;

import dev.dspy4j.bench.harness.ScenarioResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The run's PNG: CPU per million tokens (a) and peak live threads (b), one bar per client. The
 * thread panel spans ~10 (floor, dspy4j) to thousands (thread-per-stream peers), so its axis is
 * logarithmic and every bar carries its value in dark text above the bar's base, legible however
 * short the bar is.
 */
final class Chart {

  /** One client's bar: its short name and its value. */
  record Bar(String client, double value) {}

  /** A light blue: the dark value labels stay readable on it. */
  private static final Color BAR = new Color(140, 170, 250);

  private Chart() {}

  /** Draws the chart of a finished run. */
  static void write(Report report, Path png) throws IOException {
    write(
        bars(report, "a", ScenarioResult::workCpuSecondsPerMillionTokens),
        bars(report, "b", r -> r.peakThreads()),
        png);
  }

  /**
   * Draws the chart from (a)'s CPU s per million tokens and (b)'s peak threads, one bar per client.
   */
  static void write(List<Bar> cpuPerMillionTokens, List<Bar> peakThreads, Path png)
      throws IOException {
    BufferedImage cpu =
        panel(
            cpuPerMillionTokens,
            "(a) client CPU s per million tokens, JIT compilers apart (lower is better)",
            "CPU s / M tokens",
            false);
    BufferedImage threads =
        panel(
            peakThreads,
            "(b) peak live threads, log scale (lower is better)",
            "threads (log scale)",
            true);
    BufferedImage out =
        new BufferedImage(
            cpu.getWidth() + threads.getWidth(),
            Math.max(cpu.getHeight(), threads.getHeight()),
            BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.drawImage(cpu, 0, 0, null);
    g.drawImage(threads, cpu.getWidth(), 0, null);
    g.dispose();
    ImageIO.write(out, "png", png.toFile());
  }

  private static List<Bar> bars(
      Report report, String scenario, ToDoubleFunction<ScenarioResult> value) {
    List<Bar> bars = new ArrayList<>();
    for (ClientModule c : report.clients()) {
      Optional<ScenarioResult> r = report.result(c.name(), scenario);
      if (r.isPresent() && r.get().completed() > 0) {
        bars.add(new Bar(c.name(), value.applyAsDouble(r.get())));
      }
    }
    return bars;
  }

  private static BufferedImage panel(List<Bar> bars, String title, String yTitle, boolean log) {
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Bar b : bars) {
      names.add(b.client());
      // A log axis has no zero: a bar of 0 (or less) is drawn at the axis floor of 1.
      values.add(log ? Math.max(1.0, b.value()) : Math.round(b.value() * 10) / 10.0);
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(640)
            .height(420)
            .title(title)
            .xAxisTitle("client")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    // Value labels in dark text near each bar's base: readable on a short bar and on a tall one.
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
    chart.getStyler().setLabelsFontColor(Color.BLACK);
    chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    chart.getStyler().setSeriesColors(new Color[] {BAR});
    chart.getStyler().setLabelsPosition(log ? 0.35 : 0.5);
    chart.getStyler().setYAxisLogarithmic(log);
    if (log) {
      chart.getStyler().setYAxisMin(1.0);
      chart
          .getStyler()
          .setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(10, maxOf(values)) * 1.01))));
      chart.getStyler().setYAxisDecimalPattern("#,##0");
    }
    if (names.isEmpty()) {
      names.add("no results");
      values.add(1.0);
    }
    chart.addSeries(yTitle, names, values);
    return BitmapEncoder.getBufferedImage(chart);
  }

  private static double maxOf(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
  }
}
