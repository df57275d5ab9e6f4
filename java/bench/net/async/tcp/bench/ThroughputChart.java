/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The PNG of one-way throughput by message size: raw Netty and JeroMQ against net.async with
 * 1024-slot and with unbuffered channels, MB/s against bytes per message, both axes logarithmic.
 *
 * <h3>Threading</h3>
 * Stateless; needs {@code java.awt.headless=true} on a machine without a display.
 */
final class ThroughputChart {
    private ThroughputChart() {
    }

    /** {@code series} maps a name to MB/s per size, in the order of {@code sizes}. */
    static void write(Path png, List<Integer> sizes, Map<String, List<Double>> series, String subtitle)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("One-way throughput over loopback, " + subtitle)
                .xAxisTitle("message size, bytes (log)").yAxisTitle("MB/s (log)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(8);
        series.forEach((name, values) -> chart.addSeries(name, sizes, values));
        Files.createDirectories(png.getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
