package dev.switchboard.providers.credentials;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import java.time.Duration;

/** The {@link CredentialSource} the router uses, chosen by {@code switchboard.credentials.source}. */
@ApplicationScoped
public class CredentialSources {

    /** How long the start waits for Vault's first answer before serving (and retrying in the background). */
    static final Duration FIRST_READ_WAIT = Duration.ofSeconds(10);

    @Produces
    @ApplicationScoped
    CredentialSource source(
            CredentialsConfig config,
            Instance<ConfigCredentialSource> fromConfig,
            Instance<VaultCredentialSource> vault) {
        return switch (config.source()) {
            case CONFIG -> fromConfig.get();
            case VAULT -> vault.get();
        };
    }

    /** Vault is read before the router serves (at most {@link #FIRST_READ_WAIT}), not at the first request. */
    void start(@Observes StartupEvent event, CredentialsConfig config, Instance<VaultCredentialSource> vault) {
        if (config.source() == CredentialsConfig.Source.VAULT) {
            vault.get().start(FIRST_READ_WAIT);
        }
    }
}
