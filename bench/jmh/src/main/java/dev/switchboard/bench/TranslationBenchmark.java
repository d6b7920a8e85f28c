package dev.switchboard.bench;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.framing.FrameDecoder;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RouteEvent;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The router's per-stream work on a provider's response: cutting the body into frames (SSE or AWS
 * event stream, checksums included) and translating every frame into internal events with a fresh
 * translator, as one attempt does. One operation is one whole captured stream; the report divides
 * by its frame count for the per-chunk figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TranslationBenchmark {

    /** The captures directory, set by {@link TranslationReport} for the forked JVMs. */
    static final String CAPTURES = "switchboard.bench.captures";

    static final int MAX_FRAME_BYTES = 1 << 20;

    @Param
    public Families family;

    @Param
    public Families.Shape shape;

    private ProviderAdapter adapter;
    private ProviderSpec provider;
    private EndpointSpec endpoint;
    private ChatRequest request;
    private Buffer[] chunks;

    @Setup
    public void load() {
        adapter = family.adapter;
        provider = family.spec();
        endpoint = family.endpoint();
        request = family.request(shape);
        List<byte[]> cut = Captures.chunks(
                Captures.read(Captures.file(Path.of(System.getProperty(CAPTURES)), family, shape)), adapter.framing());
        chunks = cut.stream().map(Buffer::buffer).toArray(Buffer[]::new);
        // the measured path must be the successful one: a complete stream with the expected deltas
        Outcome outcome = translate(event -> {});
        if (!outcome.completed || outcome.deltas == 0 || shape == Families.Shape.TOOLS && outcome.toolDeltas == 0) {
            throw new IllegalStateException(
                    family + " " + shape + ": the capture does not translate into a complete answer: " + outcome);
        }
    }

    @Benchmark
    public StreamTranslator.ReportedUsage translate(Blackhole blackhole) {
        StreamTranslator translator = adapter.newTranslator(provider, endpoint, request);
        FrameDecoder decoder = FrameDecoder.of(
                adapter.framing(),
                (name, data, offset, length) -> {
                    for (RouteEvent event : translator.onEvent(name, data, offset, length)) {
                        blackhole.consume(event);
                    }
                },
                MAX_FRAME_BYTES);
        for (Buffer chunk : chunks) {
            decoder.feed(chunk);
        }
        decoder.end();
        return translator.reportedUsage();
    }

    /** Frames in the capture, and what translating it once yields. */
    Outcome translate(java.util.function.Consumer<RouteEvent> sink) {
        StreamTranslator translator = adapter.newTranslator(provider, endpoint, request);
        Outcome outcome = new Outcome();
        FrameDecoder decoder = FrameDecoder.of(
                adapter.framing(),
                (name, data, offset, length) -> {
                    outcome.frames++;
                    for (RouteEvent event : translator.onEvent(name, data, offset, length)) {
                        if (event instanceof RouteEvent.Delta delta) {
                            outcome.deltas++;
                            outcome.toolDeltas += delta.toolCalls().isEmpty() ? 0 : 1;
                        }
                        sink.accept(event);
                    }
                },
                MAX_FRAME_BYTES);
        for (Buffer chunk : chunks) {
            decoder.feed(chunk);
            outcome.bytes += chunk.length();
        }
        decoder.end();
        outcome.completed = translator.completed();
        return outcome;
    }

    /** What one translation of the capture saw. */
    static final class Outcome {
        int frames;
        int deltas;
        int toolDeltas;
        long bytes;
        boolean completed;

        @Override
        public String toString() {
            return "frames=" + frames + " deltas=" + deltas + " toolDeltas=" + toolDeltas + " bytes=" + bytes
                    + " completed=" + completed;
        }
    }
}
