/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one run: each figure with the reference measured in the same JVM run, their
 * ratio and, where the issue sets one, the target. Printed as a table and written as JSON.
 *
 * <h3>Threading</h3>
 * One thread: the suite's main thread.
 */
final class Report {
    /**
     * @param target   e.g. {@code ">= 0.65"} or {@code "<= 1.3"} on the ratio, {@code "< 1000"} on the
     *                 value; empty when the issue sets none
     */
    record Row(String workload, double value, String unit, String reference, double referenceValue,
               String target) {
        double ratio() {
            return value / referenceValue;
        }

        /** null when there is no target. */
        Boolean met() {
            if (target.isEmpty()) {
                return null;
            }
            String[] parts = target.split(" ");
            boolean onValue = parts.length > 2; // "< 1000 us" targets the value itself
            double x = onValue ? value : ratio();
            double bound = Double.parseDouble(parts[1]);
            return switch (parts[0]) {
                case ">=" -> x >= bound;
                case "<=" -> x <= bound;
                case ">" -> x > bound;
                case "<" -> x < bound;
                default -> throw new IllegalArgumentException(target);
            };
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> context = new LinkedHashMap<>();

    void context(String key, String value) {
        context.put(key, value);
    }

    Map<String, String> context() {
        return context;
    }

    void add(String workload, double value, String unit, String reference, double referenceValue, String target) {
        rows.add(new Row(workload, value, unit, reference, referenceValue, target));
    }

    List<Row> rows() {
        return rows;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        context.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        String format = "%-46s %14s %-7s %-30s %14s %7s  %-16s%n";
        out.append(String.format(Locale.ROOT, format, "workload (net.async)", "value", "unit", "reference (same run)",
                "reference", "ratio", "target"));
        for (Row row : rows) {
            Boolean met = row.met();
            String target = row.target().isEmpty() ? "" : row.target() + (met ? "  met" : "  MISSED");
            out.append(String.format(Locale.ROOT, format, row.workload(), Figures.number(row.value()), row.unit(),
                    row.reference(), Figures.number(row.referenceValue()), String.format(Locale.ROOT, "%.2f", row.ratio()),
                    target));
        }
        return out.toString();
    }

    void writeJson(Path file) throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        context.forEach((k, v) -> json.append("  ").append(quote(k)).append(": ").append(quote(v)).append(",\n"));
        json.append("  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"workload\": %s, \"value\": %s, \"unit\": %s, \"reference\": %s, \"reference_value\": %s, "
                            + "\"ratio\": %s, \"target\": %s, \"met\": %s}%s%n",
                    quote(row.workload()), jsonNumber(row.value()), quote(row.unit()), quote(row.reference()),
                    jsonNumber(row.referenceValue()), jsonNumber(row.ratio()),
                    row.target().isEmpty() ? "null" : quote(row.target()), row.met(),
                    i + 1 < rows.size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
    }

    private static String jsonNumber(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "null";
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
