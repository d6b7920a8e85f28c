package dev.switchboard.providers.credentials;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where provider credentials come from ({@code switchboard.credentials.*}); see the router-service README. */
@ConfigMapping(prefix = "switchboard.credentials")
public interface CredentialsConfig {

    /** {@code config} (environment, configuration, a mounted Secret directory) or {@code vault}. */
    @WithDefault("config")
    Source source();

    /**
     * A directory holding one file per credential name (a mounted Kubernetes Secret), re-read every
     * {@link #refreshInterval()}: a rotated Secret is used without a restart. Its files win over
     * {@code switchboard.providers.<name>.api-key}.
     */
    Optional<String> dir();

    /** How often the directory and Vault are read again. */
    @WithDefault("60s")
    Duration refreshInterval();

    Vault vault();

    enum Source {
        CONFIG,
        VAULT
    }

    /** The Vault source: a KV v2 secret whose keys are credential names (the mount is {@code quarkus.vault.kv-secret-engine-mount-path}). */
    interface Vault {
        /** The secret's path under the KV mount, e.g. {@code switchboard/providers} for {@code secret/data/switchboard/providers}. */
        @WithDefault("switchboard/providers")
        String path();

        /**
         * Renew a static client token ({@code quarkus.vault.authentication.client-token}) with
         * {@code renew-self} at half its lease. Tokens from a login (Kubernetes auth) are renewed by
         * Quarkus Vault itself within {@code quarkus.vault.renew-grace-period}.
         */
        @WithDefault("true")
        boolean renewToken();
    }
}
