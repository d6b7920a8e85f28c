package dev.switchboard.router.health;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.router.usage.UsagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the catalog is loaded and provider health has been read from Redis at least once.
 * Later Redis or Kafka outages do not make the router unready: it routes on its last health
 * snapshot and buffers usage events, which is better than refusing traffic. The data shows both.
 */
@Readiness
@ApplicationScoped
public class RouterReadiness implements HealthCheck {

    private final LiveCatalog catalog;
    private final HealthView health;
    private final UsagePublisher usage;
    private final RateLimitMeter rateLimits;

    public RouterReadiness(LiveCatalog catalog, HealthView health, UsagePublisher usage, RateLimitMeter rateLimits) {
        this.catalog = catalog;
        this.health = health;
        this.usage = usage;
        this.rateLimits = rateLimits;
    }

    @Override
    public HealthCheckResponse call() {
        long last = health.lastRefreshMillis();
        Catalog current = catalog.current();
        return HealthCheckResponse.named("router")
                .status(!current.models().isEmpty() && last > 0)
                .withData("models", current.models().size())
                .withData("catalog_revision", catalog.revision())
                .withData("catalog_rejected_reloads", catalog.rejectedReloads())
                .withData("health_snapshot_age_ms", last == 0 ? -1 : System.currentTimeMillis() - last)
                .withData("usage_backlog", usage.backlog())
                .withData("rate_limited_providers", String.join(",", rateLimits.saturatedProviders()))
                .build();
    }
}
