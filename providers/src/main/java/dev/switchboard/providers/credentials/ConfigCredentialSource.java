package dev.switchboard.providers.credentials;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Typed;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials from configuration, the default source:
 * <ul>
 *   <li>{@code switchboard.credentials.dir}: a directory with one file per credential name, as a
 *       Kubernetes Secret volume mounts it, re-read every {@code switchboard.credentials.refresh-interval};
 *       a rotated Secret is in use within that interval, without a restart;</li>
 *   <li>else {@code switchboard.providers.<name>.api-key}, i.e. the environment variable
 *       {@code SWITCHBOARD_PROVIDERS_<NAME>_API_KEY}.</li>
 * </ul>
 * Answers from memory. Values are never logged; names are.
 */
@ApplicationScoped
@Typed(ConfigCredentialSource.class)
public class ConfigCredentialSource implements CredentialSource {

    private static final Logger LOG = Logger.getLogger(ConfigCredentialSource.class);

    private final Config config;
    private final Optional<Path> dir;
    private final ConcurrentHashMap<String, Optional<String>> configured = new ConcurrentHashMap<>();
    private volatile Map<String, String> files = Map.of();
    private long timer = -1;
    private Vertx vertx;
    private boolean warned;

    public ConfigCredentialSource(Config config, CredentialsConfig credentials, Vertx vertx) {
        this.config = config;
        this.dir = credentials.dir().filter(d -> !d.isBlank()).map(Path::of);
        if (dir.isPresent()) {
            this.vertx = vertx;
            reload();
            // reading a few small files: on a worker, never on the event loop
            timer = vertx.setPeriodic(
                    credentials.refreshInterval().toMillis(),
                    id -> vertx.executeBlocking(() -> {
                                reload();
                                return null;
                            })
                            .subscribe()
                            .with(x -> {}, e -> LOG.warn("credential directory not re-read", e)));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    @Override
    public Optional<String> credential(String name) {
        String fromFile = files.get(name);
        if (fromFile != null) {
            return Optional.of(fromFile);
        }
        return configured.computeIfAbsent(
                name,
                n -> config.getOptionalValue("switchboard.providers." + n + ".api-key", String.class)
                        .filter(v -> !v.isBlank()));
    }

    /** Reads the directory again (the timer calls this; tests may too). */
    synchronized void reload() {
        Path d = dir.orElseThrow();
        Map<String, String> next = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                // a Secret volume also holds ..data and timestamped directories: plain files only
                if (name.startsWith(".") || !Files.isRegularFile(entry)) {
                    continue;
                }
                String value = Files.readString(entry, StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    next.put(name, value);
                }
            }
        } catch (IOException e) {
            if (!warned) {
                LOG.warnf(
                        "credential directory %s cannot be read (%s); the credentials read before stay in use",
                        d, e.getMessage());
                warned = true;
            }
            return;
        }
        warned = false;
        Map<String, String> previous = files;
        if (!next.equals(previous)) {
            files = Map.copyOf(next);
            LOG.infof(
                    "credentials from %s: %d names, changed: %s",
                    d, next.size(), CredentialSource.changedNames(previous, next));
        }
    }
}
