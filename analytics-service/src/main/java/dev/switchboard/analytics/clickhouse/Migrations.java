package dev.switchboard.analytics.clickhouse;

import dev.switchboard.analytics.config.ClickHouseConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ClickHouse schema at start: creates the database, applies the ordered migrations in
 * {@code db/clickhouse/} that are not applied yet, refuses to start when an applied migration was
 * edited since (its SHA-256 is kept in {@code schema_migrations}), and sets the tables' TTLs from
 * the settings. Ingestion waits for it ({@link #awaitApplied()}): the rollups' backfill must not
 * race this pod's own inserts.
 */
@ApplicationScoped
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);
    private static final String FOLDER = "db/clickhouse/";

    /** Raw tables and the column their TTL counts from. */
    static final Map<String, String> RAW_TABLES =
            Map.of("generations", "completed_at", "charges", "priced_at", "provider_health", "checked_at");

    /** Rollups and their time column. */
    static final Map<String, String> ROLLUPS = Map.of(
            "provider_minutes", "minute",
            "latency_minutes", "minute",
            "latency_quarters", "quarter",
            "attempt_minutes", "minute",
            "account_minutes", "minute",
            "spend_minutes", "minute",
            "spend_quarters", "quarter");

    private final ClickHouseStore store;
    private final ClickHouseConfig config;
    private final CountDownLatch applied = new CountDownLatch(1);
    private final List<String> appliedHere = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Migrations(ClickHouseStore store, ClickHouseConfig config) {
        this.store = store;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        apply();
    }

    /** Blocks until the schema is in place (at most {@code seconds}); false when it is not. */
    public boolean awaitApplied(long seconds) throws InterruptedException {
        return applied.await(seconds, TimeUnit.SECONDS);
    }

    public void awaitApplied() {
        try {
            while (!awaitApplied(60)) {
                LOG.info("ingestion waits for the ClickHouse migrations");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the migrations", e);
        }
    }

    /**
     * Applies what is missing, checks what was applied, sets the TTLs; one replica at a time
     * ({@link MigrationLock}), so pods started together apply each migration once.
     */
    public void apply() {
        store.executeInDefault("CREATE DATABASE IF NOT EXISTS `" + store.database() + "`");
        try (MigrationLock lock = MigrationLock.take(store)) {
            applyLocked();
        }
        applied.countDown();
    }

    private void applyLocked() {
        store.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
                ENGINE = ReplacingMergeTree ORDER BY version""");
        store.execute("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum String DEFAULT ''");
        Map<String, String> recorded = new LinkedHashMap<>();
        store.query("SELECT version, checksum FROM schema_migrations FINAL")
                .forEach(r -> recorded.put(r.getString("version"), r.getString("checksum")));
        for (String file : resource(FOLDER + "index.txt")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList()) {
            String sql = resource(FOLDER + file);
            String checksum = checksum(sql);
            String known = recorded.get(file);
            if (known == null) {
                for (String statement : statements(sql)) {
                    store.execute(statement);
                }
                record(file, checksum);
                appliedHere.add(file);
                LOG.infof("ClickHouse migration %s applied to %s", file, store.database());
            } else if (known.isEmpty()) {
                // applied before checksums were kept: this file is taken as what was applied
                record(file, checksum);
            } else if (!known.equals(checksum)) {
                throw new IllegalStateException("ClickHouse migration " + file + " was edited after it was applied to "
                        + store.database() + " (recorded sha256 " + known + ", now " + checksum
                        + "): put the change in a new migration");
            }
        }
        applyTtls();
    }

    /** The migrations this instance applied (not those it found applied). */
    List<String> appliedHere() {
        return List.copyOf(appliedHere);
    }

    private void record(String file, String checksum) {
        store.execute("INSERT INTO schema_migrations (version, checksum) VALUES ('" + Sql.escape(file) + "', '"
                + checksum + "')");
    }

    /** Sets each table's TTL when it differs from the settings (a change rewrites parts, so only then). */
    private void applyTtls() {
        Map<String, String> wanted = new LinkedHashMap<>();
        RAW_TABLES.forEach((table, column) -> wanted.put(table, ttl(column, config.rawTtlDays())));
        ROLLUPS.forEach((table, column) -> wanted.put(table, ttl(column, config.rollupTtlDays())));
        Map<String, String> created = new LinkedHashMap<>();
        store.query("SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase()")
                .forEach(r -> created.put(r.getString("name"), r.getString("create_table_query")));
        wanted.forEach((table, ttl) -> {
            String current = created.getOrDefault(table, "");
            if (ttl == null) {
                if (current.contains(" TTL ")) {
                    store.execute("ALTER TABLE " + table + " REMOVE TTL");
                    LOG.infof("ClickHouse table %s: TTL removed", table);
                }
            } else if (!current.contains(" TTL " + ttl + " ") && !current.endsWith(" TTL " + ttl)) {
                store.execute("ALTER TABLE " + table + " MODIFY TTL " + ttl);
                LOG.infof("ClickHouse table %s: TTL %s", table, ttl);
            }
        });
    }

    /** The TTL expression as ClickHouse prints it back in {@code create_table_query}; null for none. */
    static String ttl(String column, int days) {
        if (days <= 0) {
            return null;
        }
        return "toDateTime(" + column + ") + toIntervalDay(" + days + ")";
    }

    static String checksum(String sql) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(sql.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a migration into statements at semicolons that end a line; drops comment lines. */
    public static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String statement = current.toString().strip();
                out.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
