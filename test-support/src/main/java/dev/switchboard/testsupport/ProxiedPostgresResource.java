package dev.switchboard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PostgresResource}, with the service's reactive client (every query it serves) reaching
 * PostgreSQL through a {@link TcpProxy} the test can {@link TcpProxy#cut() cut}: a database outage
 * for this service alone. Flyway (JDBC) connects directly, so the migrations run at start as usual.
 */
public final class ProxiedPostgresResource implements QuarkusTestResourceLifecycleManager {

    /**
     * The test profile of an outage test ({@code @TestProfile(ProxiedPostgresResource.Profile.class)}):
     * PostgreSQL through the proxy and the in-JVM Kafka, instead of the module's global resources.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(ProxiedPostgresResource.class), new TestResourceEntry(KafkaResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    private static volatile TcpProxy proxy;

    /** The proxy of the running test application. */
    public static TcpProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("ProxiedPostgresResource has not started");
        }
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new PostgresResource().start());
        URI server = LocalStack.postgresServer();
        proxy = TcpProxy.to(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort());
        config.put(
                "quarkus.datasource.reactive.url",
                "postgresql://127.0.0.1:" + proxy.port() + "/" + LocalStack.postgresTestDatabase());
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }
}
