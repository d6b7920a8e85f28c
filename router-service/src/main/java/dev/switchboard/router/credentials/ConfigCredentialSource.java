package dev.switchboard.router.credentials;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials from configuration: {@code switchboard.providers.<name>.api-key}, i.e. the
 * environment variable {@code SWITCHBOARD_PROVIDERS_<NAME>_API_KEY} or a mounted Secret file.
 * This is the default source; Vault comes with the routing issue.
 */
@ApplicationScoped
public class ConfigCredentialSource implements CredentialSource {

    private final Config config;
    private final ConcurrentHashMap<String, Optional<String>> cache = new ConcurrentHashMap<>();

    public ConfigCredentialSource(Config config) {
        this.config = config;
    }

    @Override
    public Optional<String> credential(String name) {
        return cache.computeIfAbsent(name, n -> config.getOptionalValue("switchboard.providers." + n + ".api-key", String.class)
                .filter(v -> !v.isBlank()));
    }
}
