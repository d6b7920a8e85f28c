package dev.switchboard.router.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's in-memory copy of provider health. Refreshed from Redis in the background: provider
 * statuses ({@code provider:{name}:status}, written by the health prober with a 5 s TTL) and every
 * endpoint's stats ({@code health:{endpoint}:stats}: uptime, latency, throughput) and the shared
 * circuit breakers ({@link Breakers}); the request path only reads the current snapshot, never Redis.
 * A provider whose breaker is open, or which has used up a published rate limit this minute
 * ({@link RateLimitMeter}), is reported degraded (down stays down). If Redis is unreachable the last
 * snapshot stays in force.
 */
@ApplicationScoped
public class HealthView implements HealthSnapshot {

    private static final Logger LOG = Logger.getLogger(HealthView.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReactiveRedisDataSource redis;
    private final LiveCatalog catalog;
    private final RouterConfig config;
    private final RateLimitMeter rateLimits;
    /** The Redis keys read on each refresh, for the catalog in force (rebuilt only when it changes). */
    private volatile KeyPlan plan;

    private final Vertx vertx;
    private volatile Map<String, ProviderState> snapshot = Map.of();
    /** By the catalog's own endpoint instances (identity: no key is built on the request path). */
    private volatile Map<EndpointSpec, EndpointStats> endpointStats = new IdentityHashMap<>();
    /** Providers whose breaker key is in Redis, and those with a failure count, as of the last refresh. */
    private volatile Set<String> openBreakers = Set.of();

    private volatile Set<String> failing = Set.of();
    /** What this replica did since: breakers it opened (until when) and providers it saw fail. */
    private final Map<String, Long> openedHere = new ConcurrentHashMap<>();

    private final Set<String> failedHere = ConcurrentHashMap.newKeySet();
    private volatile long lastRefreshMillis;
    private long timer = -1;
    private boolean warned;

    public HealthView(
            ReactiveRedisDataSource redis,
            LiveCatalog catalog,
            RouterConfig config,
            Vertx vertx,
            RateLimitMeter rateLimits) {
        this.redis = redis;
        this.catalog = catalog;
        this.config = config;
        this.vertx = vertx;
        this.rateLimits = rateLimits;
    }

    void start(@Observes StartupEvent event) {
        // a reloaded catalog has new endpoint instances: read their stats now, not at the next tick
        catalog.onChange(next -> refresh());
        refresh();
        timer = vertx.setPeriodic(config.health().refreshInterval().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        rateLimits.flush();
    }

    @Override
    public ProviderState state(String provider) {
        ProviderState state = snapshot.getOrDefault(provider, ProviderState.UNKNOWN);
        return state != ProviderState.DOWN && (breakerOpen(provider) || rateLimits.saturated(provider))
                ? ProviderState.DEGRADED
                : state;
    }

    /** Whether the provider's breaker is open (seen in Redis, or opened by this replica and not yet expired). */
    public boolean breakerOpen(String provider) {
        Long until = openedHere.get(provider);
        return openBreakers.contains(provider) || until != null && until > System.currentTimeMillis();
    }

    /** Whether the provider has failures on record (its breaker counter), here or in Redis. */
    boolean hasFailures(String provider) {
        return failedHere.contains(provider) || failing.contains(provider) || breakerOpen(provider);
    }

    void failureSeen(String provider) {
        failedHere.add(provider);
    }

    void opened(String provider, long untilMillis) {
        openedHere.put(provider, untilMillis);
    }

    /** Forgets the provider's breaker here (a success closed it; tests reset with it too). */
    public void closed(String provider) {
        openedHere.remove(provider);
        failedHere.remove(provider);
        Set<String> open = new java.util.HashSet<>(openBreakers);
        if (open.remove(provider)) {
            openBreakers = Set.copyOf(open);
        }
    }

    @Override
    public EndpointStats stats(EndpointSpec endpoint) {
        return endpointStats.getOrDefault(endpoint, EndpointStats.UNKNOWN);
    }

    /** When the snapshot was last read from Redis (epoch ms), 0 if never. */
    public long lastRefreshMillis() {
        return lastRefreshMillis;
    }

    void refresh() {
        rateLimits.flush();
        KeyPlan keys = plan(catalog.current());
        List<EndpointSpec> endpoints = keys.endpoints();
        redis.value(String.class)
                .mget(keys.keys())
                .subscribe()
                .with(
                        values -> {
                            Map<String, ProviderState> next = new HashMap<>();
                            Set<String> open = new java.util.HashSet<>();
                            Set<String> withFailures = new java.util.HashSet<>();
                            for (ProviderSpec provider : keys.catalog().providers()) {
                                next.put(provider.name(), parse(values.get(HealthKeys.status(provider.name()))));
                                if (values.get(HealthKeys.breakerOpen(provider.name())) != null) {
                                    open.add(provider.name());
                                }
                                if (values.get(HealthKeys.breakerFailures(provider.name())) != null) {
                                    withFailures.add(provider.name());
                                }
                            }
                            openBreakers = Set.copyOf(open);
                            failing = Set.copyOf(withFailures);
                            openedHere.values().removeIf(until -> until <= System.currentTimeMillis());
                            // closed by a success on another replica (both keys deleted): forget what this one opened
                            // or saw;
                            // an open still being written is safe, its failure counter was incremented before
                            openedHere
                                    .keySet()
                                    .removeIf(provider -> !open.contains(provider) && !withFailures.contains(provider));
                            failedHere.removeIf(
                                    provider -> !open.contains(provider) && !withFailures.contains(provider));
                            Map<EndpointSpec, EndpointStats> stats = new IdentityHashMap<>();
                            for (EndpointSpec endpoint : endpoints) {
                                EndpointStats s = parseStats(values.get(HealthKeys.stats(endpoint.id())));
                                if (s != EndpointStats.UNKNOWN) {
                                    stats.put(endpoint, s);
                                }
                            }
                            snapshot = Map.copyOf(next);
                            endpointStats = stats;
                            lastRefreshMillis = System.currentTimeMillis();
                            warned = false;
                        },
                        failure -> {
                            if (!warned) {
                                LOG.warnf(
                                        "provider health not refreshed from Redis (%s); routing on the last snapshot",
                                        failure.getMessage());
                                warned = true;
                            }
                        });
    }

    private KeyPlan plan(Catalog current) {
        KeyPlan p = plan;
        if (p != null && p.catalog() == current) {
            return p;
        }
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (ModelSpec model : current.models()) {
            endpoints.addAll(model.endpoints());
        }
        List<String> keys = new ArrayList<>();
        current.providers().forEach(provider -> keys.add(HealthKeys.status(provider.name())));
        current.providers().forEach(provider -> keys.add(HealthKeys.breakerOpen(provider.name())));
        current.providers().forEach(provider -> keys.add(HealthKeys.breakerFailures(provider.name())));
        endpoints.forEach(e -> keys.add(HealthKeys.stats(e.id())));
        p = new KeyPlan(current, List.copyOf(endpoints), keys.toArray(String[]::new));
        plan = p;
        return p;
    }

    /** The keys one refresh reads for {@code catalog}. */
    private record KeyPlan(Catalog catalog, List<EndpointSpec> endpoints, String[] keys) {}

    private static EndpointStats parseStats(String json) {
        if (json == null) {
            return EndpointStats.UNKNOWN;
        }
        try {
            JsonNode node = JSON.readTree(json);
            JsonNode recent = node.path("last_5m");
            JsonNode longer = node.path("last_30m");
            return new EndpointStats(
                    number(recent, "uptime"),
                    recent.path("p50_ms").isNumber() ? recent.path("p50_ms").asLong() : null,
                    number(longer, "tokens_per_second"));
        } catch (Exception e) {
            return EndpointStats.UNKNOWN;
        }
    }

    private static Double number(JsonNode window, String field) {
        return window.path(field).isNumber() ? window.path(field).asDouble() : null;
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
