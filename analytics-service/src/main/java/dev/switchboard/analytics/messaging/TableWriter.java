package dev.switchboard.analytics.messaging;

import com.clickhouse.client.api.ServerException;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.FreshRows;
import dev.switchboard.analytics.clickhouse.RefusedData;
import dev.switchboard.analytics.clickhouse.Row;
import dev.switchboard.analytics.clickhouse.Rows;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One topic's inserts into its table, batch after batch in the order they were polled, on a thread of
 * its own: the consumer decodes the next batch while ClickHouse stores this one (decoding and storing
 * took about the same time, one after the other). At most one batch waits behind the one being
 * written; the consumer blocks when a third arrives, so a slow ClickHouse slows polling instead of
 * filling memory. A batch's offsets are committed ({@code done}) only once its rows are stored, so a
 * crash loses nothing; the redelivered rows are left out by {@link FreshRows}. One writer per topic
 * keeps that exact: the lookup of a batch runs after the insert of the batch before it.
 *
 * <p>When ClickHouse is unreachable the batch is retried with backoff (200 ms doubling to 30 s) until
 * it is stored; when ClickHouse refuses a value the batch is halved until the refused rows are found,
 * and those go to the DLQ with the server's reason.
 */
final class TableWriter {

    private static final Logger LOG = Logger.getLogger(TableWriter.class);
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long LAST_BACKOFF_MS = 30_000;

    private final String topic;
    private final FreshRows.Identity identity;
    private final ClickHouseStore store;
    private final FreshRows freshRows;
    private final Parking parking;
    private final MeterRegistry registry;
    /** One batch writing and one waiting. */
    private final Semaphore slots = new Semaphore(2);

    private final ExecutorService thread;

    TableWriter(
            String topic,
            FreshRows.Identity identity,
            ClickHouseStore store,
            FreshRows freshRows,
            Parking parking,
            MeterRegistry registry) {
        this.topic = topic;
        this.identity = identity;
        this.store = store;
        this.freshRows = freshRows;
        this.parking = parking;
        this.registry = registry;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "analytics-writer-" + identity.table());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues {@code rows} behind the batches before them and returns; blocks while two batches are in
     * hand. {@code done} runs once the rows are stored (or parked), on the writer's thread.
     */
    void write(List<Row> rows, Runnable done) throws InterruptedException {
        slots.acquire();
        try {
            thread.execute(() -> {
                try {
                    if (store(rows)) {
                        done.run();
                    }
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /** Stops after the insert in progress; what was not stored is not committed, and is polled again. */
    void stop() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return false when interrupted (shutting down) before the rows were stored */
    private boolean store(List<Row> rows) {
        String table = identity.table();
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            try {
                // looked up again on every try: an insert whose answer was lost may have landed
                List<Row> fresh = identity.idColumn() == null ? rows : freshRows.of(identity, rows);
                int stored = insert(table, fresh);
                registry.counter("switchboard.analytics.rows", "table", table).increment(stored);
                registry.counter("switchboard.analytics.rows.duplicate", "table", table)
                        .increment(rows.size() - fresh.size());
                return true;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                registry.counter("switchboard.analytics.insert.failures", "table", table)
                        .increment();
                LOG.warnf(
                        "insert of %d rows into %s failed (%s); retrying in %d ms",
                        rows.size(), table, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return false;
                }
                backoff = Math.min(backoff * 2, LAST_BACKOFF_MS);
            }
        }
    }

    /**
     * Inserts {@code rows}; when ClickHouse refuses a value, halves the batch until the refused
     * rows are found, parks them on the DLQ with the server's reason and stores the rest. A failure
     * that is not about the data (ClickHouse down) propagates, for the caller to retry.
     *
     * @return the rows stored
     */
    private int insert(String table, List<Row> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            store.insertJsonRows(table, Rows.jsonEachRow(rows));
            return rows.size();
        } catch (ServerException e) {
            if (!RefusedData.is(e)) {
                throw e;
            }
            if (rows.size() == 1) {
                parking.park(topic, rows.getFirst().record(), "refused by ClickHouse: " + RefusedData.reason(e));
                return 0;
            }
            int half = rows.size() / 2;
            return insert(table, rows.subList(0, half)) + insert(table, rows.subList(half, rows.size()));
        }
    }
}
