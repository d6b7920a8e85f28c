package dev.switchboard.router.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.router.config.RouterConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;

/**
 * The router's in-memory copy of provider health. Refreshed from Redis
 * ({@code provider:{name}:status}, written by the health prober with a 5 s TTL) in the background;
 * the request path only reads the current snapshot, never Redis. If Redis is unreachable the last
 * snapshot stays in force.
 */
@ApplicationScoped
public class HealthView {

    private static final Logger LOG = Logger.getLogger(HealthView.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReactiveRedisDataSource redis;
    private final Catalog catalog;
    private final RouterConfig config;
    private final Vertx vertx;
    private volatile Map<String, ProviderState> snapshot = Map.of();
    private volatile long lastRefreshMillis;
    private long timer = -1;
    private boolean warned;

    public HealthView(ReactiveRedisDataSource redis, Catalog catalog, RouterConfig config, Vertx vertx) {
        this.redis = redis;
        this.catalog = catalog;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        refresh();
        timer = vertx.setPeriodic(config.health().refreshInterval().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public ProviderState state(String provider) {
        return snapshot.getOrDefault(provider, ProviderState.UNKNOWN);
    }

    /** When the snapshot was last read from Redis (epoch ms), 0 if never. */
    public long lastRefreshMillis() {
        return lastRefreshMillis;
    }

    void refresh() {
        String[] keys = catalog.providers().stream().map(ProviderSpec::name).map(HealthKeys::status).toArray(String[]::new);
        redis.value(String.class).mget(keys).subscribe().with(values -> {
            Map<String, ProviderState> next = new HashMap<>();
            for (ProviderSpec provider : catalog.providers()) {
                next.put(provider.name(), parse(values.get(HealthKeys.status(provider.name()))));
            }
            snapshot = Map.copyOf(next);
            lastRefreshMillis = System.currentTimeMillis();
            warned = false;
        }, failure -> {
            if (!warned) {
                LOG.warnf("provider health not refreshed from Redis (%s); routing on the last snapshot", failure.getMessage());
                warned = true;
            }
        });
    }

    private static ProviderState parse(String json) {
        if (json == null) {
            return ProviderState.UNKNOWN;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return ProviderState.parse(node.path("state").asText(null));
        } catch (Exception e) {
            return ProviderState.UNKNOWN;
        }
    }
}
