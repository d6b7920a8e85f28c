package dev.switchboard.prober.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.prober.config.ProberConfig;
import dev.switchboard.prober.messaging.HealthEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes every catalog provider ({@code GET <base-url>/models} with the provider's credential)
 * on a fixed interval, writes {@code provider:{name}:status} to Redis with a short TTL, and
 * publishes each state change. Runs as the only prober for now; leader election among replicas
 * comes with the health-prober issue.
 */
@ApplicationScoped
public class Prober {

    private static final Logger LOG = Logger.getLogger(Prober.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;
    private final ProberConfig config;
    private final ReactiveRedisDataSource redis;
    private final HealthEvents events;
    private final Config credentials;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final HttpClient http;
    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    private long timer = -1;

    public Prober(Catalog catalog, ProberConfig config, ReactiveRedisDataSource redis, HealthEvents events, Config credentials,
                  MeterRegistry registry, Vertx vertx) {
        this.catalog = catalog;
        this.config = config;
        this.redis = redis;
        this.events = events;
        this.credentials = credentials;
        this.registry = registry;
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) config.timeout().toMillis()).setForceSni(true));
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(100, config.interval().toMillis(), id -> probeAll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        http.close();
    }

    void probeAll() {
        for (ProviderSpec provider : catalog.providers()) {
            probe(provider).onSuccess(this::record);
        }
    }

    /** Probes one provider; never fails (a failed probe is a {@code down} result). */
    public Future<ProbeResult> probe(ProviderSpec provider) {
        long start = System.nanoTime();
        String base = provider.baseUrl().endsWith("/") ? provider.baseUrl().substring(0, provider.baseUrl().length() - 1) : provider.baseUrl();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + "/models")
                .setIdleTimeout(config.timeout().toMillis());
        credentials.getOptionalValue("switchboard.providers." + provider.credential() + ".api-key", String.class)
                .ifPresent(key -> options.putHeader("Authorization", "Bearer " + key));
        return http.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .map(status -> {
                    long latency = (System.nanoTime() - start) / 1_000_000;
                    String state;
                    String error = null;
                    if (status >= 200 && status < 300) {
                        state = latency > config.degradedLatency().toMillis() ? ProbeResult.DEGRADED : ProbeResult.UP;
                    } else if (status == 429) {
                        state = ProbeResult.DEGRADED;
                        error = "rate limited";
                    } else {
                        state = ProbeResult.DOWN;
                        error = "HTTP " + status;
                    }
                    return new ProbeResult(provider.name(), state, latency, error, Instant.now());
                })
                .otherwise(e -> new ProbeResult(provider.name(), ProbeResult.DOWN, (System.nanoTime() - start) / 1_000_000,
                        e.getClass().getSimpleName().contains("Timeout") ? "timeout" : "unreachable", Instant.now()));
    }

    private void record(ProbeResult result) {
        registry.counter("switchboard.prober.probes", "provider", result.provider(), "state", result.state()).increment();
        ObjectNode status = JSON.createObjectNode()
                .put("state", result.state())
                .put("latency_ms", result.latencyMs())
                .put("checked_at", result.checkedAt().toString())
                .put("source", "probe");
        if (result.error() != null) {
            status.put("error", result.error());
        }
        redis.value(String.class)
                .setex("provider:" + result.provider() + ":status", config.statusTtl().toSeconds(), status.toString())
                .subscribe().with(ok -> { }, e -> LOG.warnf("status of %s not written to Redis: %s", result.provider(), e.getMessage()));
        String previous = lastState.put(result.provider(), result.state());
        if (!result.state().equals(previous)) {
            LOG.infof("provider %s is %s (was %s)", result.provider(), result.state(), previous == null ? "unknown" : previous);
            events.transition(result, previous);
        }
    }
}
