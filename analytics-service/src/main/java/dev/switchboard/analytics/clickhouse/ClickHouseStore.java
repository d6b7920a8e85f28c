package dev.switchboard.analytics.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.data.ClickHouseFormat;
import dev.switchboard.analytics.config.ClickHouseConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ClickHouse side of analytics, through the official Java client (v2) over HTTP. Blocking:
 * call it from worker threads only. {@link Migrations} creates the database and its tables at start.
 */
@ApplicationScoped
public class ClickHouseStore {

    private static final Logger LOG = Logger.getLogger(ClickHouseStore.class);
    private static final String MIGRATIONS = "db/clickhouse/";

    private final ClickHouseConfig config;
    private final Client client;
    /** Queries run for {@link #queryAsync}: as many as a page asks at once. */
    private final ExecutorService queries = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "clickhouse-query");
        t.setDaemon(true);
        return t;
    });

    public ClickHouseStore(ClickHouseConfig config) {
        this.config = config;
        Client.Builder builder = new Client.Builder()
                .addEndpoint(config.url())
                .setUsername(config.username())
                .setPassword(config.password().orElse(""))
                .setDefaultDatabase(config.database())
                // off only for the local stand-in, which does not speak ClickHouse's LZ4 framing
                .compressServerResponse(config.compression())
                .compressClientRequest(config.compression())
                .setSocketTimeout(config.socketTimeout().toMillis(), ChronoUnit.MILLIS)
                .setConnectTimeout(5, ChronoUnit.SECONDS);
        config.rootCertificate().ifPresent(builder::setRootCertificate);
        this.client = builder.build();
    }

    /** Runs a statement that returns no rows (DDL, {@code INSERT … SELECT}) in this service's database. */
    public void execute(String sql) {
        await(client.execute(sql));
    }

    /** Runs a statement in the server's {@code default} database (to create this service's own). */
    public void executeInDefault(String sql) {
        CommandSettings inDefault = new CommandSettings();
        inDefault.setDatabase("default");
        await(client.execute(sql, inDefault));
    }

    public List<GenericRecord> query(String sql) {
        return client.queryAll(sql);
    }

    /** Inserts rows given as JSON objects, one per line. */
    public void insertJsonRows(String table, byte[] jsonEachRow) {
        await(client.insert(table, new ByteArrayInputStream(jsonEachRow), ClickHouseFormat.JSONEachRow));
    }

    public List<GenericRecord> query(String sql, Map<String, Object> parameters) {
        return client.queryAll(sql, parameters);
    }

    /**
     * {@link #query(String, Map)} on a thread of this store's own, for a caller that runs several
     * independent queries: they then share ClickHouse's sessions instead of waiting for each other
     * (a dashboard panel's queries, issued one after another, left the stand-in's second session
     * idle). Read the result with {@link #rows}.
     */
    public CompletableFuture<List<GenericRecord>> queryAsync(String sql, Map<String, Object> parameters) {
        return CompletableFuture.supplyAsync(() -> client.queryAll(sql, parameters), queries);
    }

    /** The rows of a {@link #queryAsync}, or its failure as thrown by {@link #query(String, Map)}. */
    public static List<GenericRecord> rows(CompletableFuture<List<GenericRecord>> query) {
        return await(query);
    }

    public boolean ping() {
        return client.ping(2_000);
    }

    public String database() {
        return config.database();
    }

    @PreDestroy
    void close() {
        queries.shutdownNow();
        client.close();
    }

    private static <T> T await(CompletableFuture<T> future) {
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
}
