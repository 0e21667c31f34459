package dev.dspy4j.bench.driver;

import dev.dspy4j.bench.harness.ScenarioResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** The run's PNG: CPU per million tokens (a) and peak live threads (b), one bar per client. */
final class Chart {

    private Chart() {
    }

    static void write(Report report, Path png) throws IOException {
        BufferedImage cpu = bars(report, "a", "(a) client CPU seconds per million tokens (lower is better)",
                "CPU s / M tokens", ScenarioResult::cpuSecondsPerMillionTokens, false);
        BufferedImage threads = bars(report, "b", "(b) peak live threads (lower is better)",
                "threads", r -> r.peakThreads(), false);
        BufferedImage out = new BufferedImage(cpu.getWidth() + threads.getWidth(), Math.max(cpu.getHeight(), threads.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(cpu, 0, 0, null);
        g.drawImage(threads, cpu.getWidth(), 0, null);
        g.dispose();
        ImageIO.write(out, "png", png.toFile());
    }

    private static BufferedImage bars(Report report, String scenario, String title, String yTitle,
                                      ToDoubleFunction<ScenarioResult> value, boolean log) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (ClientModule c : report.clients()) {
            Optional<ScenarioResult> r = report.result(c.name(), scenario);
            if (r.isPresent() && r.get().completed() > 0) {
                names.add(c.name());
                values.add(Math.round(value.applyAsDouble(r.get()) * 10) / 10.0);
            }
        }
        CategoryChart chart = new CategoryChartBuilder().width(640).height(420).title(title)
                .xAxisTitle("client").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (names.isEmpty()) {
            names.add("no results");
            values.add(log ? 1.0 : 0.0);
        }
        chart.addSeries(yTitle, names, values);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
