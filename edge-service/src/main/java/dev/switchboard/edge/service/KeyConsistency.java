package dev.switchboard.edge.service;

import dev.switchboard.edge.client.AuthClient;
import dev.switchboard.edge.config.EdgeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Every consistency interval: asks auth-service for the current version of every cached key and
 * drops those that changed or are gone — the safety net under key events, which are best effort.
 * A successful check also ends any auth-outage grace spending.
 */
@ApplicationScoped
public class KeyConsistency {

    private static final Logger LOG = Logger.getLogger(KeyConsistency.class);

    private final KeyCache cache;
    private final AuthClient auth;
    private final Authorizer authorizer;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    public KeyConsistency(KeyCache cache, AuthClient auth, Authorizer authorizer, Vertx vertx, EdgeConfig config) {
        this.cache = cache;
        this.auth = auth;
        this.authorizer = authorizer;
        this.vertx = vertx;
        this.intervalMillis = config.keyCache().consistencyInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> check());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void check() {
        Map<String, Long> cached = cache.versions();
        auth.versions(cached.keySet())
                .onSuccess(current -> {
                    authorizer.authRecovered();
                    cached.forEach((keyId, version) -> {
                        if (!version.equals(current.get(keyId))) {
                            cache.invalidateKey(keyId);
                        }
                    });
                })
                .onFailure(e -> LOG.debugf("key consistency check skipped: %s", e.getMessage()));
    }
}
