package dev.switchboard.catalog;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The catalog a service runs with, as a CDI bean, from the first of:
 * <ol>
 *   <li>a Kubernetes ConfigMap, {@code switchboard.catalog.config-map.name} (key
 *       {@code switchboard.catalog.config-map.key}, default {@code catalog.yaml}; namespace
 *       {@code switchboard.catalog.config-map.namespace}, default the pod's), watched through the
 *       Kubernetes API;</li>
 *   <li>the file at {@code switchboard.catalog.path}, re-read every
 *       {@code switchboard.catalog.watch-interval} (default 2 s; 0 turns watching off);</li>
 *   <li>the built-in catalog.</li>
 * </ol>
 * Each provider's base URL is replaced where {@code switchboard.providers.<name>.base-url} is set.
 * An invalid catalog fails the start with every problem listed; an invalid later version is
 * rejected and the one in force stays (see {@link LiveCatalog}).
 *
 * <p>The catalog is made at start ({@link Startup}), on the main thread: reading a ConfigMap is a
 * blocking Kubernetes API call, and a first use on a Vert.x event loop (the prober's timer) would block
 * that loop on a response the same loop has to deliver (the chart's boot test caught it hanging).
 */
@ApplicationScoped
public class CatalogProducer {

    public static final String DEFAULT_KEY = "catalog.yaml";

    @Produces
    @ApplicationScoped
    @Startup
    LiveCatalog catalog(Config config, Instance<KubernetesClient> kubernetes) {
        Function<String, Optional<String>> override =
                provider -> config.getOptionalValue(CatalogLoader.baseUrlProperty(provider), String.class);
        Optional<String> configMap = config.getOptionalValue("switchboard.catalog.config-map.name", String.class)
                .filter(s -> !s.isBlank());
        if (configMap.isPresent()) {
            KubernetesClient client = kubernetes.get();
            String namespace = config.getOptionalValue("switchboard.catalog.config-map.namespace", String.class)
                    .filter(s -> !s.isBlank())
                    .orElseGet(client::getNamespace);
            String key = config.getOptionalValue("switchboard.catalog.config-map.key", String.class)
                    .orElse(DEFAULT_KEY);
            byte[] document = CatalogConfigMapWatcher.read(client, namespace, configMap.get(), key);
            LiveCatalog live =
                    LiveCatalog.of(document, CatalogConfigMapWatcher.where(namespace, configMap.get(), key), override);
            CatalogConfigMapWatcher.start(client, namespace, configMap.get(), key, live);
            return live;
        }
        Optional<Path> path = config.getOptionalValue("switchboard.catalog.path", Path.class);
        if (path.isPresent()) {
            LiveCatalog live = LiveCatalog.of(
                    CatalogLoader.readFile(path.get()), path.get().toString(), override);
            Duration interval = config.getOptionalValue("switchboard.catalog.watch-interval", Duration.class)
                    .orElse(Duration.ofSeconds(2));
            if (!interval.isZero() && !interval.isNegative()) {
                CatalogFileWatcher.start(path.get(), live, interval);
            }
            return live;
        }
        return LiveCatalog.of(CatalogLoader.builtInDocument(), "classpath:" + CatalogLoader.BUILT_IN, override);
    }

    void close(@Disposes LiveCatalog catalog) {
        catalog.close();
    }
}
