package dev.switchboard.bench;

import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.edge.dialect.anthropic.AnthropicResponses;
import dev.switchboard.edge.dialect.completions.CompletionResponses;
import dev.switchboard.edge.dialect.openai.OpenAiResponses;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The edge's per-request work on the router's events: one client dialect writing a whole answer,
 * as server-sent events (one write per chunk) or as one body built from the deltas. One operation
 * is one answer of {@link #CHUNKS} text deltas (or, for {@code TOOLS}, a tool call streamed in as
 * many argument fragments); the report divides by the chunk count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DialectBenchmark {

    static final int CHUNKS = 20;

    private static final Usage USAGE = new Usage(120, 80, 0, 0, 30_600L, Usage.SOURCE_PROVIDER);

    /** The client dialects, by the writer the edge makes for each. */
    public enum Dialect {
        OPENAI_CHAT(() -> new OpenAiResponses("gen-1764129600-AbCdEfGhIjKlMnOpQrSt", 1_764_129_600L, MODEL)),
        COMPLETIONS(() -> new CompletionResponses("gen-1764129600-AbCdEfGhIjKlMnOpQrSt", 1_764_129_600L, MODEL)),
        ANTHROPIC_MESSAGES(() -> new AnthropicResponses("gen-1764129600-AbCdEfGhIjKlMnOpQrSt", MODEL));

        final Supplier<ResponseDialect> writer;

        Dialect(Supplier<ResponseDialect> writer) {
            this.writer = writer;
        }
    }

    /** What the client asked for: a stream or one body. */
    public enum Delivery {
        STREAM,
        BODY
    }

    /** What the answer holds. */
    public enum Content {
        TEXT,
        TOOLS
    }

    static final String MODEL = "openai/gpt-4o-mini";

    @Param
    public Dialect dialect;

    @Param
    public Delivery delivery;

    @Param
    public Content content;

    private List<RouteEvent> events;

    @Setup
    public void script() {
        events = events(content);
    }

    static List<RouteEvent> events(Content content) {
        List<RouteEvent> out = new ArrayList<>();
        out.add(new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"));
        for (int i = 0; i < CHUNKS; i++) {
            out.add(
                    content == Content.TEXT
                            ? RouteEvent.Delta.text(" the quick brown fox")
                            : new RouteEvent.Delta(
                                    null,
                                    null,
                                    List.of(new ToolCallDelta(
                                            0,
                                            i == 0 ? "call_1" : null,
                                            i == 0 ? "get_weather" : null,
                                            i == 0 ? "{\"city\":\"" : "Paris",
                                            null))));
        }
        out.add(new RouteEvent.Finished(content == Content.TEXT ? "stop" : "tool_calls"));
        out.add(new RouteEvent.Completed(USAGE));
        return out;
    }

    /** The bytes the client receives for the whole answer (their total, so nothing is optimised away). */
    @Benchmark
    public long answer() {
        ResponseDialect out = dialect.writer.get();
        long bytes = 0;
        boolean stream = delivery == Delivery.STREAM;
        boolean started = false;
        for (RouteEvent event : events) {
            switch (event) {
                case RouteEvent.Routed routed -> out.routed(routed);
                case RouteEvent.Delta delta -> {
                    if (stream) {
                        if (!started) {
                            bytes += out.streamStart().length;
                            started = true;
                        }
                        bytes += out.delta(delta).length;
                    } else {
                        out.aggregate(delta);
                    }
                }
                case RouteEvent.Finished finished -> {
                    if (stream) {
                        bytes += out.finish(finished).length;
                    } else {
                        out.finished(finished);
                    }
                }
                case RouteEvent.Completed completed ->
                    bytes += stream ? out.streamEnd(completed.usage()).length : out.complete(completed.usage()).length;
                case RouteEvent.Failed failed -> throw new IllegalStateException("scripted answers succeed");
            }
        }
        return bytes;
    }
}
