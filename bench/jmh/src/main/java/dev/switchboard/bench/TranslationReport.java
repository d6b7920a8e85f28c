package dev.switchboard.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs {@link TranslationBenchmark} for every family and shape with JMH's GC profiler and writes
 * the per-chunk figures: {@code translation.txt} (the table) and {@code translation.json} (JMH's
 * own results) in the output directory.
 *
 * <p>java -cp ... dev.switchboard.bench.TranslationReport OUT_DIR [quick|full] [FAMILY...]
 */
public final class TranslationReport {

    /** The targets, per chunk. */
    private static final double TARGET_NS = 2000;

    private static final double TARGET_BYTES = 1024;

    private TranslationReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        boolean quick = args.length > 1 && "quick".equals(args[1]);
        Path captures = Path.of("target", "captures").toAbsolutePath();
        System.out.println(
                "==> bench: capturing one text and one tool-call stream per family from the provider simulator");
        Captures.captureAll(captures);
        System.setProperty(TranslationBenchmark.CAPTURES, captures.toString());

        Files.createDirectories(out);
        ChainedOptionsBuilder options = Jmh.options(
                TranslationBenchmark.class,
                out.resolve("translation.json"),
                quick,
                quick ? 1 : 2,
                "-D" + TranslationBenchmark.CAPTURES + "=" + captures,
                "-Xms1g",
                "-Xmx1g");
        if (args.length > 2) {
            options.param(
                    "family",
                    java.util.Arrays.stream(args, 2, args.length)
                            .map(String::toUpperCase)
                            .toArray(String[]::new));
        }
        System.out.println("==> bench: running JMH ("
                + (quick ? "quick: 1 warm-up and 2 measured 1 s iterations" : "3 warm-up and 5 measured 2 s iterations")
                + " per family and shape, one fork, GC profiler)");
        Collection<RunResult> results = new Runner(options.build()).run();
        String table = table(results, quick);
        Files.writeString(out.resolve("translation.txt"), table);
        System.out.print(table);
    }

    private static String table(Collection<RunResult> results, boolean quick) {
        StringBuilder text = new StringBuilder();
        text.append("# stream translation per chunk (frame decoding + translation into internal events) — ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(Runtime.version())
                .append('\n');
        text.append("# command: bench/translation.sh")
                .append(quick ? " quick" : "")
                .append("; ")
                .append(Captures.TOKENS)
                .append("-token text answers and one streamed tool call, captured from the provider simulator\n");
        text.append("# target: <= ")
                .append((int) TARGET_NS)
                .append(" ns and <= ")
                .append((int) TARGET_BYTES)
                .append(" B per chunk\n");
        text.append(String.format(
                "%-10s %-6s %7s %8s %12s %10s %12s %10s %7s%n",
                "family", "shape", "frames", "bytes", "us_stream", "±us", "ns_chunk", "B_chunk", "target"));
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> key(a).compareTo(key(b)));
        for (RunResult run : sorted) {
            Families family = Families.valueOf(run.getParams().getParam("family"));
            Families.Shape shape = Families.Shape.valueOf(run.getParams().getParam("shape"));
            TranslationBenchmark.Outcome outcome = outcome(family, shape);
            Result<?> primary = run.getPrimaryResult();
            double allocated = Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm");
            double nsPerChunk = primary.getScore() * 1000 / outcome.frames;
            double bytesPerChunk = allocated / outcome.frames;
            boolean met = nsPerChunk <= TARGET_NS && bytesPerChunk <= TARGET_BYTES;
            text.append(String.format(
                    "%-10s %-6s %7d %8d %12.2f %10.2f %12.0f %10.0f %7s%n",
                    family.name().toLowerCase(),
                    shape.name().toLowerCase(),
                    outcome.frames,
                    outcome.bytes,
                    primary.getScore(),
                    primary.getScoreError(),
                    nsPerChunk,
                    bytesPerChunk,
                    met ? "met" : "MISSED"));
        }
        return text.toString();
    }

    private static String key(RunResult run) {
        return Families.valueOf(run.getParams().getParam("family")).ordinal()
                + run.getParams().getParam("shape");
    }

    private static TranslationBenchmark.Outcome outcome(Families family, Families.Shape shape) {
        TranslationBenchmark benchmark = new TranslationBenchmark();
        benchmark.family = family;
        benchmark.shape = shape;
        benchmark.load();
        return benchmark.translate(event -> {});
    }
}
