package dev.switchboard.analytics.clickhouse;

import dev.switchboard.analytics.config.ClickHouseConfig;
import dev.switchboard.testsupport.ClickHouseResource;
import dev.switchboard.testsupport.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several analytics pods starting at once against a fresh ClickHouse database (the chart runs two):
 * four migration runs released together apply each migration exactly once between them, all four
 * finish, and no lock is left behind.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ClickHouseResource.class, restrictToAnnotatedClass = false)
class ConcurrentMigrationsTest {

    @Inject
    ClickHouseConfig config;

    @Test
    void replicasStartedTogetherApplyEachMigrationOnce() throws Exception {
        String database =
                "switchboard_concurrent_" + UUID.randomUUID().toString().substring(0, 8);
        ClickHouseConfig fresh = inDatabase(config, database);
        List<ClickHouseStore> stores = new ArrayList<>();
        List<Migrations> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ClickHouseStore store = new ClickHouseStore(fresh);
            stores.add(store);
            runs.add(new Migrations(store, fresh));
        }
        ExecutorService pool = Executors.newFixedThreadPool(runs.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Migrations run : runs) {
                done.add(pool.submit(() -> {
                    go.await();
                    run.apply();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            List<String> applied =
                    runs.stream().flatMap(r -> r.appliedHere().stream()).toList();
            List<String> versions =
                    stores.getFirst().query("SELECT version FROM schema_migrations FINAL ORDER BY version").stream()
                            .map(r -> r.getString("version"))
                            .toList();
            assertThat(versions).isNotEmpty();
            assertThat(applied)
                    .as("each migration applied by exactly one run")
                    .containsExactlyInAnyOrderElementsOf(versions);
            assertThat(stores.getFirst()
                            .query("SELECT count() AS n FROM schema_migrations")
                            .getFirst()
                            .getLong("n"))
                    .isEqualTo(versions.size());
            for (Migrations run : runs) {
                assertThat(run.awaitApplied(0)).isTrue();
            }
            assertThat(stores.getFirst()
                            .query(
                                    "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '"
                                            + MigrationLock.TABLE + "'")
                            .getFirst()
                            .getLong("n"))
                    .as("the lock is released")
                    .isZero();
        } finally {
            pool.shutdownNow();
            stores.getFirst().executeInDefault("DROP DATABASE IF EXISTS `" + database + "`");
            stores.forEach(ClickHouseStore::close);
        }
    }

    private static ClickHouseConfig inDatabase(ClickHouseConfig config, String database) {
        return new ClickHouseConfig() {
            @Override
            public String url() {
                return config.url();
            }

            @Override
            public String username() {
                return config.username();
            }

            @Override
            public Optional<String> password() {
                return config.password();
            }

            @Override
            public String database() {
                return database;
            }

            @Override
            public Duration socketTimeout() {
                return config.socketTimeout();
            }

            @Override
            public boolean compression() {
                return config.compression();
            }

            @Override
            public Optional<String> rootCertificate() {
                return config.rootCertificate();
            }

            @Override
            public int rawTtlDays() {
                return config.rawTtlDays();
            }

            @Override
            public int rollupTtlDays() {
                return config.rollupTtlDays();
            }
        };
    }
}
