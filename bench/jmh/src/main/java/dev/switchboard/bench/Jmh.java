package dev.switchboard.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.Map;

/** What the reports share: one fork with the GC profiler and JSON results, and reading a profiler's figure. */
final class Jmh {

    private Jmh() {}

    /**
     * Options for {@code benchmark}: quick = 1 warm-up and 2 measured iterations of {@code seconds}
     * (a smoke run), else 3 and 5.
     */
    static ChainedOptionsBuilder options(Class<?> benchmark, Path json, boolean quick, int seconds, String... jvmArgs) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName())
                .forks(1)
                .jvmArgsAppend(jvmArgs)
                .addProfiler(GCProfiler.class)
                .result(json.toString())
                .resultFormat(ResultFormatType.JSON)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementTime(TimeValue.seconds(seconds));
        return quick
                ? options.warmupIterations(1).measurementIterations(2)
                : options.warmupIterations(3).measurementIterations(5);
    }

    /** A secondary result whose name ends in {@code suffix} (e.g. {@code gc.alloc.rate.norm}), NaN when absent. */
    static double secondary(Map<String, Result> results, String suffix) {
        return results.entrySet().stream()
                .filter(e -> e.getKey().endsWith(suffix))
                .findFirst()
                .map(e -> e.getValue().getScore())
                .orElse(Double.NaN);
    }
}
