package dev.switchboard.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The gateway benchmark's table (Markdown) and latency plot (SVG). */
final class Report {

    private static final String[] COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p999", "max"};

    private Report() {}

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> results, List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ")
                .append(results.get("machine"))
                .append(". Date: ")
                .append(results.get("date"))
                .append(".\n");
        md.append("Command: `")
                .append(results.get("command"))
                .append("`. Mock: ")
                .append(results.get("mock"))
                .append(".\n\n");
        md.append(
                "| target | phase | served rps | errors | p50 ms | p90 ms | p99 ms | max ms | added p50 ms | added p99 ms | TTFT p50 ms | added TTFT p50 ms | CPU core-ms / request | RSS MiB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : rows) {
            if ("warm-up".equals(row.get("phase"))) {
                continue;
            }
            Map<String, Object> lat = (Map<String, Object>) row.get("latency_ms");
            Map<String, Object> direct = find(rows, "direct", (String) row.get("phase"));
            Map<String, Object> directLat = direct == null ? null : (Map<String, Object>) direct.get("latency_ms");
            Map<String, Object> ttft = (Map<String, Object>) row.get("ttft_ms");
            Map<String, Object> directTtft = direct == null ? null : (Map<String, Object>) direct.get("ttft_ms");
            Map<String, Object> cpu = (Map<String, Object>) row.get("cpu_core_ms_per_request");
            Map<String, Object> errors = (Map<String, Object>) row.get("errors");
            md.append("| ")
                    .append(row.get("target"))
                    .append(" | ")
                    .append(row.get("phase"))
                    .append(" | ")
                    .append(row.get("achieved_rps"))
                    .append(" | ")
                    .append(errors.isEmpty() ? "0" : errors.toString().replace("|", "/"))
                    .append(" | ")
                    .append(lat.get("p50"))
                    .append(" | ")
                    .append(lat.get("p90"))
                    .append(" | ")
                    .append(lat.get("p99"))
                    .append(" | ")
                    .append(lat.get("max"))
                    .append(" | ")
                    .append(added(lat, directLat, "p50"))
                    .append(" | ")
                    .append(added(lat, directLat, "p99"))
                    .append(" | ")
                    .append(ttft == null ? "" : ttft.get("p50"))
                    .append(" | ")
                    .append(ttft == null ? "" : added(ttft, directTtft, "p50"))
                    .append(" | ")
                    .append(cpu.get("total"))
                    .append(" | ")
                    .append(sum((Map<String, Object>) row.get("rss_mib")))
                    .append(" |\n");
        }
        md.append(
                "\nCPU core-ms per request by process group (measured window only; every group is sampled in every phase,\n");
        md.append("so groups that do not serve the target show their background use):\n\n");
        List<String> groups = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            ((Map<String, Object>) row.get("cpu_core_ms_per_request")).keySet().forEach(g -> {
                if (!groups.contains(g)) {
                    groups.add(g);
                }
            });
        }
        md.append("| target | phase | ").append(String.join(" | ", groups)).append(" |\n|---|---|");
        md.append("---|".repeat(groups.size())).append("\n");
        for (Map<String, Object> row : rows) {
            if ("warm-up".equals(row.get("phase"))) {
                continue;
            }
            Map<String, Object> cpu = (Map<String, Object>) row.get("cpu_core_ms_per_request");
            md.append("| ")
                    .append(row.get("target"))
                    .append(" | ")
                    .append(row.get("phase"))
                    .append(" |");
            for (String g : groups) {
                md.append(' ').append(cpu.getOrDefault(g, "")).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String added(Map<String, Object> lat, Map<String, Object> direct, String p) {
        if (direct == null || lat == null || direct.get(p) == null) {
            return "";
        }
        return String.format(
                Locale.ROOT, "%.2f", ((Number) lat.get(p)).doubleValue() - ((Number) direct.get(p)).doubleValue());
    }

    private static double sum(Map<String, Object> values) {
        double total = 0;
        for (Object v : values.values()) {
            total += ((Number) v).doubleValue();
        }
        return Math.round(total * 10) / 10.0;
    }

    private static Map<String, Object> find(List<Map<String, Object>> rows, String target, String phase) {
        for (Map<String, Object> row : rows) {
            if (target.equals(row.get("target")) && phase.equals(row.get("phase"))) {
                return row;
            }
        }
        return null;
    }

    /** Two panels: latency percentiles at 500 rps (not streamed) and time to first token streaming at 16 concurrent, per target, log scale. */
    @SuppressWarnings("unchecked")
    static String svg(List<Map<String, Object>> rows) {
        int width = 960;
        int height = 420;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append(
                        "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        panel(svg, rows, "rate 500", "latency_ms", "Latency at 500 requests/s (not streamed)", 60, 40, 380, 300);
        panel(svg, rows, "streaming 16", "ttft_ms", "Time to first token, 16 concurrent streams", 540, 40, 380, 300);
        svg.append("</svg>\n");
        return svg.toString();
    }

    @SuppressWarnings("unchecked")
    private static void panel(
            StringBuilder svg,
            List<Map<String, Object>> rows,
            String phase,
            String metric,
            String title,
            int x0,
            int y0,
            int w,
            int h) {
        Map<String, Map<String, Object>> series = new LinkedHashMap<>();
        double max = 1;
        double min = Double.MAX_VALUE;
        for (Map<String, Object> row : rows) {
            if (phase.equals(row.get("phase")) && row.get(metric) != null) {
                Map<String, Object> values = (Map<String, Object>) row.get(metric);
                series.put((String) row.get("target"), values);
                for (String p : PERCENTILES) {
                    double v = ((Number) values.get(p)).doubleValue();
                    max = Math.max(max, v);
                    min = Math.min(min, Math.max(0.1, v));
                }
            }
        }
        svg.append(
                String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\">%s</text>%n", x0, y0 - 15, title));
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                x0,
                y0,
                w,
                h));
        if (series.isEmpty()) {
            return;
        }
        double lo = Math.log10(Math.max(0.1, min * 0.8));
        double hi = Math.log10(max * 1.25);
        for (int decade = (int) Math.floor(lo); decade <= Math.ceil(hi); decade++) {
            double value = Math.pow(10, decade);
            if (Math.log10(value) < lo || Math.log10(value) > hi) {
                continue;
            }
            double y = y0 + h - (Math.log10(value) - lo) / (hi - lo) * h;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    x0,
                    y,
                    x0 + w,
                    y));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n",
                    x0 - 4,
                    y + 4,
                    value >= 1 ? String.valueOf((long) value) : String.valueOf(value)));
        }
        for (int i = 0; i < PERCENTILES.length; i++) {
            double x = x0 + 20 + i * (w - 40.0) / (PERCENTILES.length - 1);
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    y0 + h + 16,
                    PERCENTILES[i].replace("p999", "p99.9")));
        }
        int s = 0;
        for (var e : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < PERCENTILES.length; i++) {
                double v = Math.max(0.1, ((Number) e.getValue().get(PERCENTILES[i])).doubleValue());
                double x = x0 + 20 + i * (w - 40.0) / (PERCENTILES.length - 1);
                double y = y0 + h - (Math.log10(v) - lo) / (hi - lo) * h;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                svg.append(String.format(
                        Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().trim(),
                    color));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    x0 + 10,
                    y0 + 16 + s * 15,
                    color,
                    e.getKey()));
            s++;
        }
    }
}
