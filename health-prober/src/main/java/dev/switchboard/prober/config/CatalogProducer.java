package dev.switchboard.prober.config;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/** The providers to probe, where the routers will call them (same base-URL overrides). */
@ApplicationScoped
public class CatalogProducer {

    @Produces
    @ApplicationScoped
    Catalog catalog(@ConfigProperty(name = "switchboard.catalog.path") Optional<Path> path) {
        var source = ConfigProvider.getConfig();
        return CatalogLoader.load(path, provider -> source.getOptionalValue(CatalogLoader.baseUrlProperty(provider), String.class));
    }
}
