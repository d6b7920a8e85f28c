package dev.switchboard.analytics.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.data.ClickHouseFormat;
import dev.switchboard.analytics.config.ClickHouseConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ClickHouse side of analytics, through the official Java client (v2) over HTTP. Blocking:
 * call it from worker threads only. Creates the database and applies the ordered migrations in
 * {@code db/clickhouse/} at start.
 */
@ApplicationScoped
public class ClickHouseStore {

    private static final Logger LOG = Logger.getLogger(ClickHouseStore.class);
    private static final String MIGRATIONS = "db/clickhouse/";

    private final ClickHouseConfig config;
    private final Client client;

    public ClickHouseStore(ClickHouseConfig config) {
        this.config = config;
        this.client = new Client.Builder()
                .addEndpoint(config.url())
                .setUsername(config.username())
                .setPassword(config.password().orElse(""))
                .setDefaultDatabase(config.database())
                // plain HTTP bodies: the local stand-in does not speak ClickHouse's LZ4 framing
                .compressServerResponse(false)
                .compressClientRequest(false)
                .setSocketTimeout(config.socketTimeout().toMillis(), ChronoUnit.MILLIS)
                .setConnectTimeout(5, ChronoUnit.SECONDS)
                .build();
    }

    void migrateOnStart(@Observes StartupEvent event) {
        migrate();
    }

    /** Creates the database and applies every migration not yet applied, in order. */
    public void migrate() {
        CommandSettings inDefault = new CommandSettings();
        inDefault.setDatabase("default");
        await(client.execute("CREATE DATABASE IF NOT EXISTS `" + config.database() + "`", inDefault));
        await(client.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
                ENGINE = ReplacingMergeTree ORDER BY version"""));
        List<String> applied = client.queryAll("SELECT version FROM schema_migrations FINAL").stream()
                .map(r -> r.getString("version"))
                .toList();
        for (String file : resource(MIGRATIONS + "index.txt")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList()) {
            if (applied.contains(file)) {
                continue;
            }
            for (String statement : statements(resource(MIGRATIONS + file))) {
                await(client.execute(statement));
            }
            await(client.execute("INSERT INTO schema_migrations (version) VALUES ('" + file.replace("'", "") + "')"));
            LOG.infof("ClickHouse migration %s applied to %s", file, config.database());
        }
    }

    /** Inserts rows given as JSON objects, one per line. */
    public void insertJsonRows(String table, byte[] jsonEachRow) {
        await(client.insert(table, new ByteArrayInputStream(jsonEachRow), ClickHouseFormat.JSONEachRow));
    }

    public List<GenericRecord> query(String sql, Map<String, Object> parameters) {
        return client.queryAll(sql, parameters);
    }

    public boolean ping() {
        return client.ping(2_000);
    }

    public String database() {
        return config.database();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ClickHouse did not answer in 60 s", e);
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
