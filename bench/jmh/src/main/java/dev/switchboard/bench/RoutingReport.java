package dev.switchboard.bench;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.ModelSpec;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.util.Statistics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

/**
 * Runs {@link RoutingBenchmark} (sampled decision times, JMH's GC profiler) and writes
 * {@code routing.txt} (percentiles and allocation per decision) and {@code routing.json}.
 *
 * <p>java -cp ... dev.switchboard.bench.RoutingReport OUT_DIR [quick|full]
 */
public final class RoutingReport {

    private static final double TARGET_P99_NS = 20_000;
    private static final double TARGET_BYTES = 2048;

    private RoutingReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        boolean quick = args.length > 1 && "quick".equals(args[1]);
        Files.createDirectories(out);
        ChainedOptionsBuilder options = Jmh.options(
                RoutingBenchmark.class, out.resolve("routing.json"), quick, quick ? 2 : 3, "-Xms1g", "-Xmx1g");
        System.out.println("==> bench: running JMH on RoutePlanner.plan ("
                + (quick ? "quick" : "3 warm-up and 5 measured 3 s iterations")
                + ", one fork, sampled times, GC profiler)");
        Collection<RunResult> results = new Runner(options.build()).run();
        Catalog catalog = CatalogLoader.builtIn();
        long chat = catalog.models().stream()
                .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                .count();
        long endpoints =
                catalog.models().stream().mapToLong(m -> m.endpoints().size()).sum();
        StringBuilder text = new StringBuilder();
        text.append("# routing decision (RoutePlanner.plan) — ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(Runtime.version())
                .append('\n');
        text.append("# command: bench/routing.sh")
                .append(quick ? " quick" : "")
                .append("; built-in catalog: ")
                .append(catalog.models().size())
                .append(" models (")
                .append(chat)
                .append(" chat), ")
                .append(endpoints)
                .append(" endpoints, ")
                .append(catalog.providers().size())
                .append(" providers; each request names a model and one fallback model\n");
        text.append("# target: p99 <= ")
                .append((int) TARGET_P99_NS / 1000)
                .append(" us and <= ")
                .append((int) TARGET_BYTES)
                .append(" B allocated per decision\n");
        text.append(String.format(
                "%-9s %9s %9s %9s %9s %10s %7s%n",
                "sort", "p50_ns", "p99_ns", "p99.9_ns", "mean_ns", "B_decision", "target"));
        for (RunResult run : results) {
            Result<?> primary = run.getPrimaryResult();
            Statistics stats = primary.getStatistics();
            double allocated = Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm");
            double p99 = stats.getPercentile(99);
            text.append(String.format(
                    "%-9s %9.0f %9.0f %9.0f %9.0f %10.0f %7s%n",
                    run.getParams().getParam("sort"),
                    stats.getPercentile(50),
                    p99,
                    stats.getPercentile(99.9),
                    stats.getMean(),
                    allocated,
                    p99 <= TARGET_P99_NS && allocated <= TARGET_BYTES ? "met" : "MISSED"));
        }
        Files.writeString(out.resolve("routing.txt"), text.toString());
        System.out.print(text);
    }
}
