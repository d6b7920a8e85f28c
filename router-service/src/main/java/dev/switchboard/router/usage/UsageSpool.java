package dev.switchboard.router.usage;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The router's local, append-only log of usage events: every event is written here (one
 * {@code write} to the page cache, on the caller's thread) before it goes to Kafka, and a segment
 * file is deleted only once Kafka has acknowledged every event in it. A {@code kill -9} of the router
 * therefore loses nothing that was appended (the page cache outlives the process); a machine crash
 * loses at most what was appended since the last {@code fsync}, done every {@code fsync-interval}.
 * Leftover segments are read again from the start when the router starts, so an event acknowledged
 * just before a crash may be sent twice; every consumer de-duplicates by event id.
 *
 * <p>Records are framed {@code [int length][int crc32c][bytes]}; a torn record at the end of a
 * leftover segment (the crash came mid-write) is detected and skipped. One process owns a directory
 * ({@code .lock}); a second router pointed at it refuses to start. A record whose checksum fails ends
 * the reading of its (leftover) segment: what follows a torn write is not trusted.
 *
 * <p>Threads: {@link #append} from any thread, {@link #next} and {@link #acked} from the one sender
 * thread, {@link #sync} from the flusher. One monitor guards the segment list.
 */
public final class UsageSpool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UsageSpool.class);
    private static final String SUFFIX = ".spool";
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 16 * 1024 * 1024;

    /** A record read for sending: its bytes and the segment to acknowledge it in. */
    public record Entry(Segment segment, byte[] bytes) {}

    /** One segment file and its books. */
    public static final class Segment {
        final Path path;
        final long id;
        FileChannel writer;
        long written;
        boolean sealed;
        boolean readDone;
        long sent;
        long acked;

        Segment(Path path, long id) {
            this.path = path;
            this.id = id;
        }
    }

    private final Path dir;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private Segment writing;
    private long nextId;
    private boolean dirty;
    private boolean closed;

    private Segment reading;
    private FileChannel readChannel;
    private long readPosition;
    private long appended;
    private long acknowledged;

    private UsageSpool(Path dir, long segmentBytes, FileChannel lockChannel, FileLock lock, List<Segment> leftover) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        segments.addAll(leftover);
        nextId = leftover.isEmpty() ? 0 : leftover.getLast().id + 1;
    }

    /** Opens (creating it if needed) and locks {@code dir}; its leftover segments are read first. */
    public static UsageSpool open(Path dir, long segmentBytes) {
        try {
            Files.createDirectories(dir);
            FileChannel lockChannel =
                    FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("usage spool " + dir
                        + " is in use by another router; give each router its own switchboard.router.usage.spool-dir");
            }
            List<Segment> leftover = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                        .sorted()
                        .toList()) {
                    Segment segment = new Segment(file, id(file));
                    segment.sealed = true;
                    segment.written = Files.size(file);
                    leftover.add(segment);
                }
            }
            if (!leftover.isEmpty()) {
                LOG.infof(
                        "usage spool %s: %d segments (%d bytes) left by the previous run, sent again",
                        dir,
                        leftover.size(),
                        leftover.stream().mapToLong(s -> s.written).sum());
            }
            return new UsageSpool(dir, segmentBytes, lockChannel, lock, leftover);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage spool " + dir, e);
        }
    }

    private static long id(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** Appends one record; when this returns the record survives the process (not yet a machine crash). */
    public synchronized void append(byte[] record) {
        if (closed) {
            throw new IllegalStateException("usage spool closed");
        }
        try {
            if (writing == null || writing.written >= segmentBytes) {
                roll();
            }
            CRC32C crc = new CRC32C();
            crc.update(record);
            header.clear();
            header.putInt(record.length).putInt((int) crc.getValue()).flip();
            ByteBuffer body = ByteBuffer.wrap(record);
            ByteBuffer[] frame = {header, body};
            while (header.hasRemaining() || body.hasRemaining()) {
                writing.writer.write(frame);
            }
            writing.written += HEADER + record.length;
            appended++;
            dirty = true;
            notifyAll();
        } catch (IOException e) {
            throw new UncheckedIOException("usage spool write failed in " + dir, e);
        }
    }

    private void roll() throws IOException {
        if (writing != null) {
            seal(writing);
        }
        Segment segment = new Segment(dir.resolve(String.format("%020d%s", nextId, SUFFIX)), nextId);
        nextId++;
        segment.writer = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.add(segment);
        writing = segment;
    }

    private void seal(Segment segment) throws IOException {
        segment.writer.force(false);
        segment.writer.close();
        segment.writer = null;
        segment.sealed = true;
        deleteIfDone(segment);
    }

    /**
     * The next record not yet handed out, waiting up to {@code timeoutMillis} for one; null on timeout.
     * Sender thread only.
     */
    public synchronized Entry next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Entry entry = read();
            if (entry != null) {
                return entry;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private Entry read() {
        try {
            while (true) {
                if (reading == null) {
                    reading = segments.stream()
                            .filter(s -> !s.readDone)
                            .findFirst()
                            .orElse(null);
                    if (reading == null) {
                        return null;
                    }
                    readChannel = FileChannel.open(reading.path, StandardOpenOption.READ);
                    readPosition = 0;
                }
                long available = reading.written - readPosition;
                if (available >= HEADER) {
                    ByteBuffer head = ByteBuffer.allocate(HEADER);
                    readFully(head, readPosition);
                    int length = head.getInt(0);
                    int crc = head.getInt(4);
                    if (length >= 0 && length <= MAX_RECORD && available >= HEADER + (long) length) {
                        ByteBuffer body = ByteBuffer.allocate(length);
                        readFully(body, readPosition + HEADER);
                        CRC32C check = new CRC32C();
                        check.update(body.array());
                        if ((int) check.getValue() == crc) {
                            readPosition += HEADER + length;
                            reading.sent++;
                            return new Entry(reading, body.array());
                        }
                    }
                    if (!reading.sealed) {
                        return null; // being written: the rest of the record comes
                    }
                    LOG.warnf(
                            "usage spool %s: a torn record at byte %d (a crash mid-write) skipped",
                            reading.path.getFileName(), readPosition);
                } else if (!reading.sealed) {
                    return null; // read up to what is written so far
                } else if (available > 0) {
                    LOG.warnf(
                            "usage spool %s: a torn record at byte %d (a crash mid-write) skipped",
                            reading.path.getFileName(), readPosition);
                }
                // sealed and read to its end
                reading.readDone = true;
                readChannel.close();
                deleteIfDone(reading);
                reading = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("usage spool read failed in " + dir, e);
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (readChannel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of " + reading.path);
            }
        }
        buffer.flip();
    }

    /** Kafka acknowledged a record of {@code segment}. Sender thread (producer callback) only. */
    public synchronized void acked(Segment segment) {
        segment.acked++;
        acknowledged++;
        deleteIfDone(segment);
    }

    private void deleteIfDone(Segment segment) {
        if (segment.sealed && segment.readDone && segment.acked >= segment.sent) {
            try {
                Files.deleteIfExists(segment.path);
            } catch (IOException e) {
                LOG.warnf("usage spool: cannot delete %s: %s", segment.path, e.getMessage());
            }
            segments.remove(segment);
        }
    }

    /** Forces what was appended to disk (the flusher, every fsync interval). */
    public void sync() {
        FileChannel channel;
        synchronized (this) {
            if (!dirty || writing == null) {
                return;
            }
            dirty = false;
            channel = writing.writer;
        }
        try {
            channel.force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
            // sealed meanwhile, which forces it
        } catch (IOException e) {
            LOG.warnf("usage spool fsync failed in %s: %s", dir, e.getMessage());
        }
    }

    /** Events appended in this run and not yet acknowledged (leftovers of an earlier run not included). */
    public synchronized long pending() {
        return appended - acknowledged;
    }

    /** Segment files on disk. */
    public synchronized int segments() {
        return segments.size();
    }

    /**
     * What a killed process leaves: the files as written, unsealed and undeleted; only the lock and
     * the channels are let go (so a test can open the directory again in the same JVM).
     */
    synchronized void abandon() throws IOException {
        closed = true;
        if (writing != null) {
            writing.writer.close();
        }
        if (readChannel != null) {
            readChannel.close();
        }
        lock.release();
        lockChannel.close();
    }

    /** Seals the current segment and releases the directory; segments with unacknowledged events stay for the next run. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            if (writing != null) {
                writing.writer.force(false);
                writing.writer.close();
                writing.writer = null;
                writing.sealed = true;
                if (reading == writing && readPosition >= writing.written) {
                    writing.readDone = true;
                }
                deleteIfDone(writing);
            }
            if (readChannel != null) {
                readChannel.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warnf("usage spool close failed in %s: %s", dir, e.getMessage());
        }
    }
}
