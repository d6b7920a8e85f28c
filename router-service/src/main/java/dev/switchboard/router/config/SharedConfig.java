package dev.switchboard.router.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** Settings every Switchboard service reads the same way. */
public final class SharedConfig {

    private SharedConfig() {
    }

    /** The shared credential required on {@code /internal} endpoints ({@code switchboard.internal.token}). */
    @ConfigMapping(prefix = "switchboard.internal")
    public interface Internal {
        String token();
    }

    /** {@code switchboard.catalog.path}: a catalog file to use instead of the built-in one. */
    @ConfigMapping(prefix = "switchboard.catalog")
    public interface CatalogFile {
        Optional<Path> path();
    }
}
