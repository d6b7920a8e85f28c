package dev.switchboard.analytics.health;

import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while ClickHouse answers a ping. */
@Readiness
@ApplicationScoped
public class ClickHouseReadiness implements HealthCheck {

    private final ClickHouseStore store;

    public ClickHouseReadiness(ClickHouseStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("clickhouse")
                .status(store.ping())
                .withData("database", store.database())
                .build();
    }
}
