package dev.switchboard.router.config;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;

/** The catalog this router routes with: file or built-in, with configured base-URL overrides. */
@ApplicationScoped
public class CatalogProducer {

    @Produces
    @ApplicationScoped
    Catalog catalog(SharedConfig.CatalogFile config) {
        var source = ConfigProvider.getConfig();
        return CatalogLoader.load(config.path(),
                provider -> source.getOptionalValue(CatalogLoader.baseUrlProperty(provider), String.class));
    }
}
