package dev.switchboard.bench;

import dev.switchboard.router.usage.UsageSpool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the router's request thread pays to make a usage event survive a killed router: one append
 * to the usage spool ({@code UsageSpool.append}: CRC32C, one {@code write} to the page cache), with
 * the spool forced to disk by a background thread every 100 ms as the router does, and with
 * {@code fsync-interval=0} (forced after every event). The event is {@code bytes} long (a chat
 * request's usage event is about 1.2 KB). Nothing reads the spool here, so each iteration starts a
 * new spool directory and deletes it afterwards.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UsageSpoolBenchmark {

    @Param({"1200"})
    public int bytes;

    @Param({"interval", "every"})
    public String fsync;

    private Path dir;
    private UsageSpool spool;
    private ScheduledExecutorService flusher;
    private byte[] event;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("usage-spool-bench");
        spool = UsageSpool.open(dir, 16L << 20);
        event = new byte[bytes];
        java.util.Arrays.fill(event, (byte) 'u');
        flusher = Executors.newSingleThreadScheduledExecutor();
        flusher.scheduleWithFixedDelay(spool::sync, 100, 100, TimeUnit.MILLISECONDS);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        flusher.shutdownNow();
        spool.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public void append() {
        spool.append(event);
        if ("every".equals(fsync)) {
            spool.sync();
        }
    }
}
