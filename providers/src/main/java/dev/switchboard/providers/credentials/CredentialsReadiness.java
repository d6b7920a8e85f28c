package dev.switchboard.providers.credentials;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * With Vault as the source, ready once the credentials have been read at least once; a later Vault
 * outage keeps the router ready on the values it has (the data says how old they are and why the
 * last read failed).
 */
@Readiness
@ApplicationScoped
public class CredentialsReadiness implements HealthCheck {

    private final CredentialsConfig config;
    private final Instance<VaultCredentialSource> vault;

    public CredentialsReadiness(CredentialsConfig config, Instance<VaultCredentialSource> vault) {
        this.config = config;
        this.vault = vault;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("credentials")
                .withData("source", config.source().name().toLowerCase());
        if (config.source() == CredentialsConfig.Source.CONFIG) {
            return response.up().build();
        }
        VaultCredentialSource source = vault.get();
        long loadedAt = source.loadedAtMillis();
        response.status(source.loaded()).withData("age_ms", loadedAt == 0 ? -1 : System.currentTimeMillis() - loadedAt);
        if (source.lastFailure() != null) {
            response.withData("last_failure", source.lastFailure());
        }
        return response.build();
    }
}
