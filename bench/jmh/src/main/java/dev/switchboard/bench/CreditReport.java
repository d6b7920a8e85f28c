package dev.switchboard.bench;

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
 * Runs {@link CreditBenchmark} on two threads (sampled times, JMH's GC profiler) and writes
 * {@code credit.txt} (percentiles, allocation and operations per second) and {@code credit.json}.
 *
 * <p>java -cp ... dev.switchboard.bench.CreditReport OUT_DIR [quick|full]
 */
public final class CreditReport {

    private CreditReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        boolean quick = args.length > 1 && "quick".equals(args[1]);
        Files.createDirectories(out);
        ChainedOptionsBuilder options = Jmh.options(
                        CreditBenchmark.class, out.resolve("credit.json"), quick, quick ? 2 : 5, "-Xms512m", "-Xmx512m")
                .threads(2);
        System.out.println("==> bench: running JMH on the credit path ("
                + (quick ? "quick" : "3 warm-up and 5 measured 5 s iterations")
                + ", one fork, two threads, sampled times, GC profiler; needs the local stack's PostgreSQL)");
        Collection<RunResult> results = new Runner(options.build()).run();
        StringBuilder text = new StringBuilder();
        text.append("# credit path (auth-service CreditLeases and CreditLedger) — ")
                .append(Instant.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(Runtime.version())
                .append('\n');
        text.append("# command: bench/credit.sh")
                .append(quick ? " quick" : "")
                .append("; two benchmark threads; PostgreSQL of the local stack\n");
        text.append(
                "# holdAndFinish: a hold of $0.262144 placed in memory against the key's lease and finished at $0.00002 (lease grants included)\n");
        text.append(
                "# settle100: 100 charges applied in PostgreSQL in one transaction (accounts, keys, key days; no lease); charges/s = 100 x ops/s\n");
        text.append(String.format(
                "%-14s %8s %10s %10s %10s %10s %10s %10s%n",
                "benchmark", "accounts", "p50_ns", "p99_ns", "p99.9_ns", "mean_ns", "ops_per_s", "B_per_op"));
        for (RunResult run : results) {
            Result<?> primary = run.getPrimaryResult();
            Statistics stats = primary.getStatistics();
            double allocated = Jmh.secondary(run.getSecondaryResults(), "gc.alloc.rate.norm");
            String name = run.getParams()
                    .getBenchmark()
                    .substring(run.getParams().getBenchmark().lastIndexOf('.') + 1);
            // two threads, each one operation at a time: operations per second from the mean time
            double opsPerSecond = 2 * 1e9 / stats.getMean();
            text.append(String.format(
                    "%-14s %8s %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f%n",
                    name,
                    run.getParams().getParam("accounts"),
                    stats.getPercentile(50),
                    stats.getPercentile(99),
                    stats.getPercentile(99.9),
                    stats.getMean(),
                    opsPerSecond,
                    allocated));
        }
        Files.writeString(out.resolve("credit.txt"), text.toString());
        System.out.print(text);
    }
}
