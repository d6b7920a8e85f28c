package dev.switchboard.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Runs {@link UsageSpoolBenchmark} and {@link UsageCountBenchmark} (the router's per-event usage
 * costs) with JMH's GC profiler and writes {@code usage-count.txt} (both tables) and
 * {@code usage-spool.json} / {@code usage-count.json} (JMH's own results) in the output directory.
 *
 * <p>java -cp ... dev.switchboard.bench.UsageCountReport OUT_DIR [quick|full]
 */
public final class UsageCountReport {

    private UsageCountReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        boolean quick = args.length > 1 && "quick".equals(args[1]);
        Files.createDirectories(out);
        System.out.println("==> bench: running JMH ("
                + (quick ? "quick: 1 warm-up and 2 measured 1 s iterations" : "3 warm-up and 5 measured 2 s iterations")
                + " per output size, one fork, GC profiler)");
        Collection<RunResult> spooled = new Runner(Jmh.options(
                                UsageSpoolBenchmark.class,
                                out.resolve("usage-spool.json"),
                                quick,
                                quick ? 1 : 2,
                                "-Xms512m",
                                "-Xmx512m")
                        .build())
                .run();
        Collection<RunResult> results = new Runner(Jmh.options(
                                UsageCountBenchmark.class,
                                out.resolve("usage-count.json"),
                                quick,
                                quick ? 1 : 2,
                                "-Xms512m",
                                "-Xmx512m")
                        .build())
                .run();
        StringBuilder text = new StringBuilder();
        text.append("# router: one jtokkit o200k pass over a whole answer — ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(Runtime.version())
                .append('\n');
        text.append("# command: bench/usage-count.sh")
                .append(quick ? " quick" : "")
                .append('\n');
        text.append(String.format(
                "%7s %7s %11s %9s %9s %10s%n", "words", "tokens", "us_answer", "±us", "ns_token", "B_answer"));
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt(r -> Integer.parseInt(r.getParams().getParam("words"))));
        for (RunResult run : sorted) {
            UsageCountBenchmark state = new UsageCountBenchmark();
            state.words = Integer.parseInt(run.getParams().getParam("words"));
            state.setUp();
            int tokens = state.tokens();
            Result<?> primary = run.getPrimaryResult();
            text.append(String.format(
                    "%7d %7d %11.2f %9.2f %9.0f %10.0f%n",
                    state.words,
                    tokens,
                    primary.getScore(),
                    primary.getScoreError(),
                    primary.getScore() * 1000 / tokens,
                    Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm")));
        }
        text.append("\n# router: appending one usage event to the spool (UsageSpoolBenchmark, ")
                .append(spooled.iterator().next().getParams().getParam("bytes"))
                .append(" bytes; fsync every 100 ms in the background, or after every event)\n");
        text.append(String.format("%-9s %11s %9s %10s%n", "fsync", "us_event", "±us", "B_event"));
        for (RunResult run : spooled) {
            text.append(String.format(
                    "%-9s %11.2f %9.2f %10.0f%n",
                    run.getParams().getParam("fsync"),
                    run.getPrimaryResult().getScore(),
                    run.getPrimaryResult().getScoreError(),
                    Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm")));
        }
        Files.writeString(out.resolve("usage-count.txt"), text);
        System.out.print(text);
    }
}
