package dev.switchboard.edge.service;

import dev.switchboard.edge.client.AuthClient;
import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is calling, and may they spend: key claims from the cache (or auth-service on a miss), then
 * a real credit hold from auth-service for every request. When auth-service answers 503 (it cannot
 * reach its database) a key verified within the grace period still runs, without a hold, until this
 * replica has let the account's exposure budget through; an unknown key gets the 503.
 */
@ApplicationScoped
public class Authorizer {

    private static final Logger LOG = Logger.getLogger(Authorizer.class);

    private final AuthClient auth;
    private final KeyCache cache;
    private final long gracePeriodMillis;
    private final long graceExposureNanos;
    private final Map<String, AtomicLong> graceExposure = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Counter graceRuns;

    public Authorizer(AuthClient auth, KeyCache cache, EdgeConfig config, MeterRegistry registry) {
        this.auth = auth;
        this.cache = cache;
        this.gracePeriodMillis = config.authGrace().period().toMillis();
        this.graceExposureNanos = Money.nanosFromUsd(config.authGrace().exposureUsd());
        this.hits = registry.counter("switchboard.edge.key.cache", "result", "hit");
        this.misses = registry.counter("switchboard.edge.key.cache", "result", "miss");
        this.graceRuns = registry.counter("switchboard.edge.auth.grace.requests");
        registry.gauge("switchboard.edge.key.cache.size", cache, KeyCache::size);
    }

    /** The key's verified claims (cached, or verified now). */
    public Future<KeyClaims> claims(String key) {
        String digest = KeyCache.digest(key);
        var cached = cache.fresh(digest);
        if (cached.isPresent()) {
            hits.increment();
            return Future.succeededFuture(cached.get());
        }
        misses.increment();
        return auth.verify(key).onSuccess(claims -> cache.put(digest, claims)).recover(error -> {
            // auth down: a recently verified key is still who it was
            if (error instanceof EdgeException e && e.status() == 503) {
                var stale = cache.notOlderThan(digest, gracePeriodMillis);
                if (stale.isPresent()) {
                    return Future.succeededFuture(stale.get());
                }
            }
            return Future.failedFuture(error);
        });
    }

    /** Claims of an inference key (a management key is refused here, before any credit is touched). */
    public Future<KeyClaims> inferenceClaims(String key) {
        return claims(key)
                .compose(claims -> KeyClaims.INFERENCE.equals(claims.kind())
                        ? Future.succeededFuture(claims)
                        : Future.failedFuture(new EdgeException(403, "Management keys cannot call models")));
    }

    /** Claims of a management key (for the management API). */
    public Future<KeyClaims> managementClaims(String key) {
        return claims(key)
                .compose(claims -> KeyClaims.MANAGEMENT.equals(claims.kind())
                        ? Future.succeededFuture(claims)
                        : Future.failedFuture(new EdgeException(403, "This endpoint needs a management key")));
    }

    /** Reserves credit for one request; during an auth outage, runs within the account's grace budget instead. */
    public Future<AuthContext> hold(KeyClaims claims, String generationId, String model, long holdNanos) {
        return auth.authorize(new AuthorizeRequest(null, claims.keyId(), generationId, model, holdNanos))
                .recover(error -> {
                    if (error instanceof EdgeException e) {
                        if (e.status() == 401 || e.status() == 403) {
                            cache.invalidateKey(claims.keyId());
                        }
                        if (e.status() == 503 && withinGrace(claims.accountId(), holdNanos)) {
                            graceRuns.increment();
                            LOG.warnf(
                                    "generation %s runs without a credit hold: auth-service unavailable (account grace budget in use)",
                                    generationId);
                            return Future.succeededFuture(new AuthContext(
                                    claims.accountId(), claims.keyId(), null, holdNanos, claims.preferences()));
                        }
                    }
                    return Future.failedFuture(error);
                });
    }

    private boolean withinGrace(String accountId, long holdNanos) {
        AtomicLong used = graceExposure.computeIfAbsent(accountId, a -> new AtomicLong());
        long after = used.addAndGet(holdNanos);
        if (after > graceExposureNanos) {
            used.addAndGet(-holdNanos);
            return false;
        }
        return true;
    }

    /** Forgets grace spending once auth-service is back (its charges settle what ran meanwhile). */
    public void authRecovered() {
        graceExposure.clear();
    }

    public void releaseHold(String holdId) {
        auth.release(holdId);
    }
}
