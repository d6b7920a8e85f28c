package dev.switchboard.analytics.clickhouse;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One analytics replica at a time applies the ClickHouse migrations. ClickHouse has no advisory lock,
 * but creating a table that exists fails on a server, atomically: the lock is the table
 * {@code schema_migrations_lock}, created by the replica that migrates and dropped when it is done.
 * The others wait for the table to go, then read {@code schema_migrations} again and find every
 * migration applied, so a migration's statements (the rollups' backfill among them, which must not
 * run twice) run once when several pods start together. A lock table older than {@link #STALE_AFTER}
 * (its holder died mid-migration) is taken over, with a warning. One ClickHouse server (not a cluster with
 * {@code ON CLUSTER} DDL) is assumed.
 */
final class MigrationLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MigrationLock.class);
    static final String TABLE = "schema_migrations_lock";
    /** A lock this old is a dead holder's: migrations take seconds, a backfill of a large table minutes. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final Duration POLL = Duration.ofMillis(500);

    private final ClickHouseStore store;

    private MigrationLock(ClickHouseStore store) {
        this.store = store;
    }

    /** Waits until this replica holds the lock. */
    static MigrationLock take(ClickHouseStore store) {
        Instant waitingSince = null;
        while (true) {
            try {
                // the table's existence is the lock; its creation time (system.tables) is the lock's age
                store.execute("CREATE TABLE " + TABLE + " (taken UInt8) ENGINE = MergeTree ORDER BY tuple()");
                if (waitingSince != null) {
                    LOG.infof(
                            "ClickHouse migration lock taken after %d ms",
                            Duration.between(waitingSince, Instant.now()).toMillis());
                }
                return new MigrationLock(store);
            } catch (RuntimeException e) {
                if (!alreadyExists(e)) {
                    throw e;
                }
            }
            if (waitingSince == null) {
                waitingSince = Instant.now();
                LOG.infof(
                        "another replica is applying the ClickHouse migrations to %s; waiting for it",
                        store.database());
            }
            takeOverIfStale(store);
            sleep();
        }
    }

    private static void takeOverIfStale(ClickHouseStore store) {
        // the age as the server counts it (no clock or time zone of this pod involved); none when dropped
        List<Long> ages = store
                .query("SELECT dateDiff('second', metadata_modification_time, now()) AS age FROM system.tables"
                        + " WHERE database = currentDatabase() AND name = '" + TABLE + "'")
                .stream()
                .map(r -> r.getLong("age"))
                .toList();
        if (!ages.isEmpty() && ages.getFirst() > STALE_AFTER.toSeconds()) {
            LOG.warnf(
                    "the ClickHouse migration lock was taken %d s ago and never released (its holder died"
                            + " mid-migration?): taking it over",
                    ages.getFirst());
            store.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    static boolean alreadyExists(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("TABLE_ALREADY_EXISTS") || message.contains("already exists")) {
                return true;
            }
        }
        return false;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the migration lock", e);
        }
    }

    @Override
    public void close() {
        store.execute("DROP TABLE IF EXISTS " + TABLE);
    }
}
