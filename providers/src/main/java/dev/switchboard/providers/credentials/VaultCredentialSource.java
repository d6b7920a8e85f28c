package dev.switchboard.providers.credentials;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vault.VaultKVSecretReactiveEngine;
import io.quarkus.vault.client.VaultClient;
import io.quarkus.vault.client.VaultClientException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Credentials from a Vault KV v2 secret through Quarkus Vault: one secret
 * ({@code switchboard.credentials.vault.path} under {@code quarkus.vault.kv-secret-engine-mount-path})
 * whose keys are credential names. Read at start and again every
 * {@code switchboard.credentials.refresh-interval}, so a rotated value is used without a restart;
 * the request path only reads the last copy. When Vault refuses (403), is sealed or down (503) or
 * cannot be reached, the last values stay in use and the failure is logged and counted
 * ({@code switchboard_credentials_refresh_total{result}}). Names Vault does not hold fall back to
 * {@link ConfigCredentialSource}.
 *
 * <p>Authentication is Quarkus Vault's: a static token locally
 * ({@code quarkus.vault.authentication.client-token}), which this class renews with
 * {@code renew-self} at half its lease; Kubernetes auth in a cluster
 * ({@code quarkus.vault.authentication.kubernetes.role}), whose login token Quarkus Vault renews.
 * Values are never logged, names are.
 */
@ApplicationScoped
@Typed(VaultCredentialSource.class)
public class VaultCredentialSource implements CredentialSource {

    private static final Logger LOG = Logger.getLogger(VaultCredentialSource.class);
    private static final Duration MIN_RENEW_DELAY = Duration.ofSeconds(1);

    private final VaultKVSecretReactiveEngine kv;
    private final Instance<VaultClient> client;
    private final ConfigCredentialSource fallback;
    private final CredentialsConfig config;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final boolean staticToken;
    private volatile Map<String, String> secrets = Map.of();
    private volatile long loadedAtMillis;
    private volatile String lastFailure;
    private volatile long tokenRenewals;
    private long refreshTimer = -1;
    private long renewTimer = -1;
    private boolean stopped;

    public VaultCredentialSource(
            Instance<VaultKVSecretReactiveEngine> kv,
            Instance<VaultClient> client,
            ConfigCredentialSource fallback,
            CredentialsConfig config,
            Config all,
            Vertx vertx,
            MeterRegistry registry) {
        this.kv = kv.get();
        this.client = client;
        this.fallback = fallback;
        this.config = config;
        this.vertx = vertx;
        this.registry = registry;
        this.staticToken = all.getOptionalValue("quarkus.vault.authentication.client-token", String.class)
                .filter(t -> !t.isBlank())
                .isPresent();
    }

    /** Reads the secret once, waiting at most {@code wait}, then keeps it fresh in the background. */
    void start(Duration wait) {
        try {
            refresh().await().atMost(wait);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "credentials not read from Vault at start (%s); retrying every %d ms",
                    describe(e), config.refreshInterval().toMillis());
        }
        refreshTimer = vertx.setPeriodic(
                config.refreshInterval().toMillis(), id -> refresh().subscribe().with(x -> {}, e -> {}));
        if (staticToken && config.vault().renewToken()) {
            renewToken();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
        if (renewTimer >= 0) {
            vertx.cancelTimer(renewTimer);
        }
    }

    @Override
    public Optional<String> credential(String name) {
        String value = secrets.get(name);
        return value != null ? Optional.of(value) : fallback.credential(name);
    }

    /** Whether the secret has been read at least once. */
    public boolean loaded() {
        return loadedAtMillis > 0;
    }

    /** When it was last read (epoch ms), 0 if never. */
    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    /** Why the last read or renewal failed, or null if it did not. Never holds a value. */
    public String lastFailure() {
        return lastFailure;
    }

    /** How many times the static token was renewed. */
    public long tokenRenewals() {
        return tokenRenewals;
    }

    /** Reads the secret now; on failure the values in use stay. */
    public Uni<Void> refresh() {
        return kv.readSecretJson(config.vault().path()).onItemOrFailure().transformToUni((data, failure) -> {
            if (failure != null) {
                lastFailure = describe(failure);
                count(outcome(failure));
                LOG.warnf(
                        "credentials not refreshed from Vault path %s: %s; %d names read before stay in use",
                        config.vault().path(), lastFailure, secrets.size());
                return Uni.createFrom().failure(failure);
            }
            install(data);
            count("ok");
            return Uni.createFrom().voidItem();
        });
    }

    private void install(Map<String, Object> data) {
        Map<String, String> next = new HashMap<>();
        data.forEach((name, value) -> {
            if (value instanceof String s && !s.isBlank()) {
                next.put(name, s);
            } else if (value != null) {
                LOG.warnf(
                        "Vault path %s: key %s is not a non-empty string; ignored",
                        config.vault().path(), name);
            }
        });
        Map<String, String> previous = secrets;
        secrets = Map.copyOf(next);
        loadedAtMillis = System.currentTimeMillis();
        lastFailure = null;
        if (!next.equals(previous)) {
            LOG.infof(
                    "credentials from Vault path %s: %d names, changed: %s",
                    config.vault().path(), next.size(), CredentialSource.changedNames(previous, next));
        }
    }

    /** Renews the static token now, then again at half the lease Vault grants (stops for a token without one). */
    private void renewToken() {
        if (stopped) {
            return;
        }
        Uni.createFrom()
                .completionStage(() -> client.get().auth().token().renewSelf(null))
                .subscribe()
                .with(
                        auth -> {
                            tokenRenewals++;
                            Duration lease = auth.getLeaseDuration() == null ? Duration.ZERO : auth.getLeaseDuration();
                            boolean renewable = Boolean.TRUE.equals(auth.isRenewable());
                            if (!renewable || lease.isZero()) {
                                LOG.infof(
                                        "Vault token renewed; it has no further lease to renew (renewable %s, lease %s)",
                                        renewable, lease);
                                return;
                            }
                            Duration next = lease.dividedBy(2).compareTo(MIN_RENEW_DELAY) < 0
                                    ? MIN_RENEW_DELAY
                                    : lease.dividedBy(2);
                            LOG.debugf("Vault token renewed for %s; next renewal in %s", lease, next);
                            renewTimer = vertx.setTimer(next.toMillis(), id -> renewToken());
                        },
                        failure -> {
                            lastFailure = "token renewal: " + describe(failure);
                            count("renew_" + outcome(failure));
                            if (failure instanceof VaultClientException e
                                    && e.getStatus() != null
                                    && e.getStatus() == 400) {
                                // "lease is not renewable" (e.g. a root token): nothing to renew
                                LOG.infof("Vault token not renewable (%s); not renewing", describe(failure));
                                return;
                            }
                            LOG.warnf(
                                    "Vault token not renewed (%s); trying again in %s",
                                    lastFailure, config.refreshInterval());
                            renewTimer = vertx.setTimer(config.refreshInterval().toMillis(), id -> renewToken());
                        });
    }

    private void count(String result) {
        registry.counter("switchboard_credentials_refresh_total", "source", "vault", "result", result)
                .increment();
    }

    /** forbidden (403), unavailable (503: sealed or down), or error (anything else, unreachable included). */
    static String outcome(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof VaultClientException e && e.getStatus() != null) {
            return switch (e.getStatus()) {
                case 403 -> "forbidden";
                case 503 -> "unavailable";
                default -> "error";
            };
        }
        return "error";
    }

    /** The status and Vault's own error messages; never a secret (Vault does not echo values in errors). */
    static String describe(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof VaultClientException e && e.getStatus() != null) {
            String errors = e.getErrors() == null || e.getErrors().isEmpty() ? "" : " " + e.getErrors();
            return switch (e.getStatus()) {
                case 403 -> "permission denied (403): the token's policy does not allow this" + errors;
                case 503 -> "Vault unavailable or sealed (503)" + errors;
                default -> "Vault answered " + e.getStatus() + errors;
            };
        }
        return f.getClass().getSimpleName() + (f.getMessage() == null ? "" : ": " + f.getMessage());
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof java.util.concurrent.ExecutionException)
                && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }
}
