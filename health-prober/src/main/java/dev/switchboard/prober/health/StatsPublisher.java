package dev.switchboard.prober.health;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.events.health.HealthStats;
import dev.switchboard.prober.config.ProberConfig;
import dev.switchboard.prober.leader.Leadership;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * On the leader, every {@code stats-interval}: uptime and latency percentiles over 5 min, 30 min and
 * 1 day for every provider and every endpoint, from the outcome buckets that probes and routers fill,
 * written to {@code health:{subject}:stats} for the edge's endpoint listings.
 */
@ApplicationScoped
public class StatsPublisher {

    private static final Logger LOG = Logger.getLogger(StatsPublisher.class);

    private final LiveCatalog catalog;
    private final HealthStore store;
    private final Leadership leadership;
    private final ProberConfig config;
    private final Vertx vertx;
    private long timer = -1;

    public StatsPublisher(
            LiveCatalog catalog, HealthStore store, Leadership leadership, ProberConfig config, Vertx vertx) {
        this.catalog = catalog;
        this.store = store;
        this.leadership = leadership;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(500, config.statsInterval().toMillis(), id -> {
            if (leadership.isLeader()) {
                publishAll().subscribe().with(ok -> {}, e -> LOG.debugf("stats not published: %s", e.getMessage()));
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Subjects: every provider and every endpoint of the catalog. */
    List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        Catalog current = catalog.current();
        current.providers().stream().map(ProviderSpec::name).forEach(subjects::add);
        for (ModelSpec model : current.models()) {
            model.endpoints().stream().map(EndpointSpec::id).forEach(subjects::add);
        }
        return subjects;
    }

    public Uni<Void> publishAll() {
        long now = System.currentTimeMillis();
        // a few subjects at a time: each takes three reads, and a catalog has dozens of subjects,
        // more than the Redis client's wait queue holds at once
        return io.smallrye.mutiny.Multi.createFrom()
                .iterable(subjects())
                .onItem()
                .transformToUni(subject -> publish(subject, now))
                .merge(4)
                .collect()
                .last()
                .replaceWithVoid();
    }

    Uni<Void> publish(String subject, long now) {
        return Uni.combine()
                .all()
                .unis(
                        store.lastMinutes(subject, 5, now),
                        store.lastMinutes(subject, 30, now),
                        store.lastHours(subject, 24, now))
                .asTuple()
                .chain(t -> store.writeStats(
                        subject,
                        new HealthStats(
                                subject,
                                HealthStats.Window.of(t.getItem1()),
                                HealthStats.Window.of(t.getItem2()),
                                HealthStats.Window.of(t.getItem3()),
                                Instant.ofEpochMilli(now)),
                        Math.max(60, config.statsInterval().toSeconds() * 6)));
    }
}
