package dev.switchboard.edge.config;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/** The catalog the edge checks model names and sizes credit holds with. */
@ApplicationScoped
public class CatalogProducer {

    @Produces
    @ApplicationScoped
    Catalog catalog(@ConfigProperty(name = "switchboard.catalog.path") Optional<Path> path) {
        return CatalogLoader.load(path, provider -> Optional.empty());
    }
}
