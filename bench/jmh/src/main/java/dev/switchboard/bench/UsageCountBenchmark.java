package dev.switchboard.bench;

import dev.switchboard.router.stream.TokenCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What one jtokkit pass over a whole answer costs the router (o200k, as for gpt-4o-mini): the count
 * it bills when the provider reports no usage ({@code UsageCount.of}), and what a second, whole-text
 * count beside a provider's figures would cost on every answer; the "both counts" of the usage event
 * reuse the credit meter's per-delta count instead. The output is English-like text of
 * {@code words} words.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UsageCountBenchmark {

    private static final String[] WORDS = {
        "the",
        "gateway",
        "routes",
        "each",
        "request",
        "to",
        "a",
        "healthy",
        "provider",
        "and",
        "streams",
        "tokens",
        "back",
        "while",
        "counting",
        "credit",
        "latency",
        "fallback",
        "within",
        "milliseconds",
        "Switchboard",
        "model",
        "answer",
        "price",
        "of",
        "in",
        "for",
        "is",
        "with",
        "that"
    };

    @Param({"12", "192", "1536"})
    public int words;

    private TokenCounter counter;
    private String output;

    @Setup
    public void setUp() {
        counter = new TokenCounter();
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : i % 17 == 0 ? ". " : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        output = text.append('.').toString();
    }

    /** Tokens of the whole output (also returned so the JIT cannot drop the count). */
    @Benchmark
    public int countOutput() {
        return counter.count("openai/gpt-4o-mini", output);
    }

    int tokens() {
        return counter.count("openai/gpt-4o-mini", output);
    }
}
