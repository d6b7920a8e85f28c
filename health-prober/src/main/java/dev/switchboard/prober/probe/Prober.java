package dev.switchboard.prober.probe;

import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.events.health.HealthStatus;
import dev.switchboard.events.health.OutcomeBuckets;
import dev.switchboard.prober.config.ProberConfig;
import dev.switchboard.prober.health.HealthStore;
import dev.switchboard.prober.leader.Leadership;
import dev.switchboard.prober.messaging.HealthEvents;
import dev.switchboard.providers.Adapters;
import dev.switchboard.providers.ProbeRequest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.credentials.CredentialSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps {@code provider:{name}:status} fresh for the routers. On the leader only, every interval
 * and for every catalog provider: if routers reported real traffic for it within the interval, the
 * probe is skipped and the status comes from that traffic; otherwise the provider is probed (its
 * model list in its family's shape: {@link ProviderAdapter#probe}, with the credential the router
 * uses, from the same {@link CredentialSource}: configuration, a mounted Secret or Vault) and the
 * outcome counted with the passive ones. Providers without a probe (Bedrock) take their status from
 * traffic alone.
 * The status (state, latency, error rates over 1 and 5 minutes) is written with a short TTL; each
 * state change is published to {@code switchboard.provider-health.v1}. A Redis outage costs the
 * statuses of the rounds it lasts (they lapse to unknown), never the prober.
 */
@ApplicationScoped
public class Prober {

    private static final Logger LOG = Logger.getLogger(Prober.class);

    private final LiveCatalog catalog;
    private final ProberConfig config;
    private final HealthStore store;
    private final HealthEvents events;
    private final Leadership leadership;
    private final Adapters adapters;
    private final CredentialSource credentials;
    private final Vertx vertx;
    private final HttpClient http;
    private final Counter sent;
    private final Counter skipped;
    /** Per provider: the minute and its outcome counts when a probe last found it up. */
    private final Map<String, long[]> cleared = new ConcurrentHashMap<>();

    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    private long timer = -1;
    private volatile boolean redisWarned;

    public Prober(
            LiveCatalog catalog,
            ProberConfig config,
            HealthStore store,
            HealthEvents events,
            Leadership leadership,
            Adapters adapters,
            CredentialSource credentials,
            MeterRegistry registry,
            Vertx vertx) {
        this.catalog = catalog;
        this.config = config;
        this.store = store;
        this.events = events;
        this.leadership = leadership;
        this.adapters = adapters;
        this.credentials = credentials;
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) config.timeout().toMillis())
                .setForceSni(true));
        this.sent = registry.counter("switchboard.prober.probes", "result", "sent");
        this.skipped = registry.counter("switchboard.prober.probes", "result", "skipped");
        registry.gauge("switchboard.prober.leader", leadership, l -> l.isLeader() ? 1 : 0);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(100, config.interval().toMillis(), id -> round());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        http.close();
    }

    void round() {
        if (!leadership.isLeader()) {
            lastState.clear();
            cleared.clear();
            return;
        }
        for (ProviderSpec provider : catalog.current().providers()) {
            check(provider).subscribe().with(ok -> redisWarned = false, this::redisFailed);
        }
    }

    /** One provider, one round: probe or skip, then write the status. */
    Uni<Void> check(ProviderSpec provider) {
        long now = System.currentTimeMillis();
        return store.lastPassive(provider.name()).chain(lastPassive -> {
            if (!probeable(provider)) {
                return store.lastMinutes(provider.name(), 1, now).chain(minute -> status(provider, null, minute, now));
            }
            if (now - lastPassive < config.interval().toMillis()) {
                skipped.increment();
                return store.lastMinutes(provider.name(), 1, now).chain(minute -> status(provider, null, minute, now));
            }
            sent.increment();
            return Uni.createFrom()
                    .completionStage(probe(provider).toCompletionStage())
                    .call(result -> store.record(
                            provider.name(), !ProbeResult.DOWN.equals(result.state()), result.latencyMs(), now))
                    .chain(result -> store.lastMinutes(provider.name(), 1, now)
                            .chain(minute -> status(provider, result, minute, now)));
        });
    }

    private Uni<Void> status(ProviderSpec provider, ProbeResult probe, OutcomeBuckets.Sum lastMinute, long now) {
        return store.lastMinutes(provider.name(), 5, now).chain(fiveMinutes -> {
            Double rate1m = lastMinute.errorRate();
            String state;
            String error = null;
            Long latency;
            String source;
            if (probe != null) {
                state = probe.state();
                error = probe.error();
                latency = probe.latencyMs();
                // a fresh probe is the newest evidence: a provider that recovers is up at once, even
                // while the failures of its outage still weigh on the error rates
                source = "probe";
                if (ProbeResult.UP.equals(state)) {
                    cleared.put(provider.name(), new long[] {now / 60_000, lastMinute.count(), lastMinute.errors()});
                }
            } else {
                source = "passive";
                latency = lastMinute.percentileMs(0.5);
                Double rate = rateSinceCleared(provider.name(), lastMinute, now);
                if (rate != null && rate >= config.downErrorRate()) {
                    state = ProbeResult.DOWN;
                } else if (rate != null && rate >= config.degradedErrorRate()) {
                    state = ProbeResult.DEGRADED;
                } else {
                    state = ProbeResult.UP;
                }
                if (!ProbeResult.UP.equals(state)) {
                    String commonest = lastMinute.commonestErrorClass();
                    error = "error rate " + Math.round(rate * 100) + "% in the last minute"
                            + (commonest == null ? "" : ", mostly " + commonest);
                }
            }
            Instant checkedAt = Instant.ofEpochMilli(now);
            HealthStatus status =
                    new HealthStatus(state, latency, rate1m, fiveMinutes.errorRate(), error, source, checkedAt);
            String previous = lastState.put(provider.name(), state);
            if (!state.equals(previous)) {
                LOG.infof(
                        "provider %s is %s (was %s, %s)",
                        provider.name(), state, previous == null ? "unknown" : previous, source);
                events.transition(
                        new ProbeResult(provider.name(), state, latency == null ? 0 : latency, error, checkedAt),
                        previous,
                        source);
            }
            return store.writeStatus(provider.name(), status, config.statusTtl().toSeconds());
        });
    }

    /**
     * The error rate of real traffic in the current minute, counting only the outcomes since a probe
     * last found the provider up in that minute: an outage's failures must not mark a recovered
     * provider down again (and again, each time real traffic resumes) until the minute is over.
     * Null when there is no outcome to judge by.
     */
    private Double rateSinceCleared(String provider, OutcomeBuckets.Sum lastMinute, long now) {
        long[] at = cleared.get(provider);
        if (at == null || at[0] != now / 60_000) {
            return lastMinute.errorRate();
        }
        long count = lastMinute.count() - at[1];
        long errors = lastMinute.errors() - at[2];
        return count <= 0 ? null : Math.max(0, errors) / (double) count;
    }

    /** Whether the provider's family has a probe (Bedrock's health comes from real traffic only). */
    boolean probeable(ProviderSpec provider) {
        return probeRequest(provider, null).isPresent();
    }

    private java.util.Optional<ProbeRequest> probeRequest(ProviderSpec provider, String credential) {
        return adapters.forFamily(provider.family()).flatMap(adapter -> adapter.probe(provider, credential));
    }

    /** Probes one provider; never fails (a failed probe is a {@code down} result). */
    public Future<ProbeResult> probe(ProviderSpec provider) {
        long start = System.nanoTime();
        ProbeRequest request = probeRequest(
                        provider, credentials.credential(provider.credential()).orElse(null))
                .orElseThrow();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(request.url())
                .setIdleTimeout(config.timeout().toMillis());
        request.headers().forEach(options::putHeader);
        return http.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .map(status -> {
                    long latency = (System.nanoTime() - start) / 1_000_000;
                    if (status >= 200 && status < 300) {
                        String state =
                                latency > config.degradedLatency().toMillis() ? ProbeResult.DEGRADED : ProbeResult.UP;
                        return new ProbeResult(
                                provider.name(),
                                state,
                                latency,
                                state.equals(ProbeResult.UP) ? null : "slow",
                                Instant.now());
                    }
                    String state = status == 429 ? ProbeResult.DEGRADED : ProbeResult.DOWN;
                    return new ProbeResult(
                            provider.name(),
                            state,
                            latency,
                            status == 429 ? "rate limited" : "HTTP " + status,
                            Instant.now());
                })
                .otherwise(e -> new ProbeResult(
                        provider.name(),
                        ProbeResult.DOWN,
                        (System.nanoTime() - start) / 1_000_000,
                        e.getClass().getSimpleName().contains("Timeout") ? "timeout" : "unreachable",
                        Instant.now()));
    }

    private void redisFailed(Throwable error) {
        if (!redisWarned) {
            redisWarned = true;
            LOG.warnf("provider status not written (Redis: %s); retrying every round", error.getMessage());
        }
    }
}
