package dev.switchboard.testsupport;

import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What happens when several replicas of a service start at once against one fresh schema, as a
 * Deployment rollout of N pods does: N Flyway runs of the service's migrations, released together, on
 * the local stack's PostgreSQL (test database), in a schema of their own that is dropped afterwards.
 */
public final class ConcurrentMigrations {

    private ConcurrentMigrations() {}

    /** The outcome: migrations each run applied, and how often each version is in the schema history. */
    public record Outcome(List<Integer> appliedPerRun, Map<String, Integer> historyCountByVersion) {

        /** Every replica ran, and the {@code migrations} versions were applied once each, by one of them or several. */
        public void assertEachMigrationAppliedOnce(int replicas, int migrations) {
            org.assertj.core.api.Assertions.assertThat(appliedPerRun).hasSize(replicas);
            org.assertj.core.api.Assertions.assertThat(
                            appliedPerRun.stream().mapToInt(Integer::intValue).sum())
                    .as("migrations applied, all runs together")
                    .isEqualTo(migrations);
            org.assertj.core.api.Assertions.assertThat(historyCountByVersion)
                    .hasSize(migrations)
                    .allSatisfy((version, count) -> org.assertj.core.api.Assertions.assertThat(count)
                            .as("version %s in the history", version)
                            .isEqualTo(1));
        }
    }

    /** Runs {@code replicas} migrations of {@code classpath:db/migration} at once; answers what each did. */
    public static Outcome run(int replicas) throws Exception {
        String url = "jdbc:postgresql://" + LocalStack.postgresServer().getHost() + ":"
                + LocalStack.postgresServer().getPort() + "/" + LocalStack.postgresTestDatabase();
        String schema =
                "migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                runs.add(pool.submit(() -> {
                    Flyway flyway = Flyway.configure()
                            .dataSource(url, LocalStack.postgresUser(), LocalStack.postgresPassword())
                            .schemas(schema)
                            .defaultSchema(schema)
                            .locations("classpath:db/migration")
                            .load();
                    start.await();
                    return flyway.migrate().migrationsExecuted;
                }));
            }
            start.countDown();
            List<Integer> applied = new ArrayList<>();
            for (Future<Integer> run : runs) {
                applied.add(run.get(120, TimeUnit.SECONDS));
            }
            return new Outcome(applied, history(url, schema));
        } finally {
            pool.shutdownNow();
            try (Connection c =
                            DriverManager.getConnection(url, LocalStack.postgresUser(), LocalStack.postgresPassword());
                    Statement drop = c.createStatement()) {
                drop.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static Map<String, Integer> history(String url, String schema) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, LocalStack.postgresUser(), LocalStack.postgresPassword());
                Statement read = c.createStatement();
                ResultSet rows = read.executeQuery("SELECT version, count(*) AS n FROM " + schema
                        + ".flyway_schema_history WHERE version IS NOT NULL AND success GROUP BY version")) {
            while (rows.next()) {
                counts.put(rows.getString("version"), rows.getInt("n"));
            }
        }
        return counts;
    }
}
