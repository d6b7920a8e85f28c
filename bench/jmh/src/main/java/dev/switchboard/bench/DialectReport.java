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
 * Runs {@link DialectBenchmark} for every dialect, delivery and content with JMH's GC profiler and
 * writes the per-chunk figures: {@code dialects.txt} (the table) and {@code dialects.json} (JMH's own
 * results) in the output directory.
 *
 * <p>java -cp ... dev.switchboard.bench.DialectReport OUT_DIR [quick|full]
 */
public final class DialectReport {

    private DialectReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        boolean quick = args.length > 1 && "quick".equals(args[1]);
        Files.createDirectories(out);
        System.out.println("==> bench: running JMH ("
                + (quick ? "quick: 1 warm-up and 2 measured 1 s iterations" : "3 warm-up and 5 measured 2 s iterations")
                + " per dialect, delivery and content, one fork, GC profiler)");
        Collection<RunResult> results = new Runner(Jmh.options(
                                DialectBenchmark.class,
                                out.resolve("dialects.json"),
                                quick,
                                quick ? 1 : 2,
                                "-Xms1g",
                                "-Xmx1g")
                        .build())
                .run();
        StringBuilder text = new StringBuilder();
        text.append("# edge dialects: writing one answer of ")
                .append(DialectBenchmark.CHUNKS)
                .append(" chunks as SSE or as one body — ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(Runtime.version())
                .append('\n');
        text.append("# command: bench/dialects.sh")
                .append(quick ? " quick" : "")
                .append('\n');
        text.append(String.format(
                "%-19s %-7s %-6s %11s %9s %9s %9s%n",
                "dialect", "deliver", "answer", "us_answer", "±us", "ns_chunk", "B_chunk"));
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(r -> r.getParams().getParam("dialect")
                + r.getParams().getParam("delivery")
                + r.getParams().getParam("content")));
        for (RunResult run : sorted) {
            Result<?> primary = run.getPrimaryResult();
            double allocated = Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm");
            text.append(String.format(
                    "%-19s %-7s %-6s %11.2f %9.2f %9.0f %9.0f%n",
                    run.getParams().getParam("dialect").toLowerCase(),
                    run.getParams().getParam("delivery").toLowerCase(),
                    run.getParams().getParam("content").toLowerCase(),
                    primary.getScore(),
                    primary.getScoreError(),
                    primary.getScore() * 1000 / DialectBenchmark.CHUNKS,
                    allocated / DialectBenchmark.CHUNKS));
        }
        Files.writeString(out.resolve("dialects.txt"), text);
        System.out.print(text);
    }
}
