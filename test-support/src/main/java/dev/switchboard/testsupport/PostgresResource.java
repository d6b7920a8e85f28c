package dev.switchboard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URI;
import java.util.Map;

/**
 * Points a service at the real PostgreSQL of the local stack, in the test database
 * ({@code switchboard_test}), and lets Flyway clean the service's own schema at start so every
 * test run begins from the migrations.
 */
public final class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        URI server = LocalStack.postgresServer();
        LocalStack.requireListening("PostgreSQL", server, 5432);
        String database = LocalStack.postgresTestDatabase();
        String hostPort = server.getHost() + ":" + server.getPort();
        return Map.of(
                "quarkus.datasource.reactive.url",
                "postgresql://" + hostPort + "/" + database,
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://" + hostPort + "/" + database,
                "quarkus.datasource.username",
                LocalStack.postgresUser(),
                "quarkus.datasource.password",
                LocalStack.postgresPassword(),
                "quarkus.flyway.clean-disabled",
                "false",
                "quarkus.flyway.clean-at-start",
                "true");
    }

    @Override
    public void stop() {}
}
