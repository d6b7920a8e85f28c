package dev.switchboard.billing.config;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/** The catalog whose prices billing applies: {@code switchboard.catalog.path} or the built-in one. */
@ApplicationScoped
public class CatalogProducer {

    @Produces
    @ApplicationScoped
    Catalog catalog(@ConfigProperty(name = "switchboard.catalog.path") Optional<Path> path) {
        // prices do not depend on where a provider lives, so base-URL overrides are irrelevant here
        return CatalogLoader.load(path, provider -> Optional.empty());
    }
}
