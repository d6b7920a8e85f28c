package dev.switchboard.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;

/**
 * The catalog a service runs with, as a CDI bean: the file at {@code switchboard.catalog.path}
 * (env {@code SWITCHBOARD_CATALOG_PATH}) or the built-in one, with each provider's base URL
 * replaced where {@code switchboard.providers.<name>.base-url} is set. Loaded once at start; an
 * invalid catalog fails the start with every problem listed.
 */
@ApplicationScoped
public class CatalogProducer {

    @Produces
    @ApplicationScoped
    Catalog catalog(Config config) {
        return CatalogLoader.load(config.getOptionalValue("switchboard.catalog.path", Path.class),
                provider -> config.getOptionalValue(CatalogLoader.baseUrlProperty(provider), String.class));
    }
}
