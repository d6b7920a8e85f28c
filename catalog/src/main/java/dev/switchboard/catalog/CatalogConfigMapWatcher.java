package dev.switchboard.catalog;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Keeps a {@link LiveCatalog} in step with one key of a Kubernetes ConfigMap through a fabric8
 * informer (list, then watch; it re-lists and re-watches on its own after a dropped connection).
 * Every add or update is offered; a deleted ConfigMap or a missing key is rejected and the
 * catalog in force stays.
 */
public final class CatalogConfigMapWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CatalogConfigMapWatcher.class);
    private static final long RESYNC_MS = 60_000;

    private final SharedIndexInformer<ConfigMap> informer;

    private CatalogConfigMapWatcher(SharedIndexInformer<ConfigMap> informer) {
        this.informer = informer;
    }

    /**
     * Reads the catalog document from the ConfigMap now, failing when it is absent or lacks the key:
     * a service started with a ConfigMap catalog must not run on a different one.
     */
    public static byte[] read(KubernetesClient client, String namespace, String name, String key) {
        ConfigMap map =
                client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null) {
            throw new CatalogException(where(namespace, name, key), java.util.List.of("ConfigMap not found"));
        }
        byte[] document = document(map, key);
        if (document == null) {
            throw new CatalogException(where(namespace, name, key), java.util.List.of("ConfigMap has no key " + key));
        }
        return document;
    }

    /** Starts the informer; the watcher is attached to (and closed with) {@code catalog}. */
    public static CatalogConfigMapWatcher start(
            KubernetesClient client, String namespace, String name, String key, LiveCatalog catalog) {
        String from = where(namespace, name, key);
        SharedIndexInformer<ConfigMap> informer = client.configMaps()
                .inNamespace(namespace)
                .withName(name)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(ConfigMap map) {
                                offer(map);
                            }

                            @Override
                            public void onUpdate(ConfigMap old, ConfigMap map) {
                                offer(map);
                            }

                            @Override
                            public void onDelete(ConfigMap map, boolean finalStateUnknown) {
                                catalog.reject(from, "ConfigMap deleted");
                            }

                            private void offer(ConfigMap map) {
                                byte[] document = document(map, key);
                                if (document == null) {
                                    catalog.reject(from, "ConfigMap has no key " + key);
                                } else {
                                    catalog.offer(document, from);
                                }
                            }
                        },
                        RESYNC_MS);
        CatalogConfigMapWatcher watcher = new CatalogConfigMapWatcher(informer);
        catalog.attach(watcher);
        LOG.infof("watching the catalog in %s", from);
        return watcher;
    }

    private static byte[] document(ConfigMap map, String key) {
        if (map.getData() != null && map.getData().get(key) != null) {
            return map.getData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        if (map.getBinaryData() != null && map.getBinaryData().get(key) != null) {
            return Base64.getDecoder().decode(map.getBinaryData().get(key));
        }
        return null;
    }

    /** How a ConfigMap catalog is named in logs and {@link LiveCatalog#source()}. */
    static String where(String namespace, String name, String key) {
        return "configmap " + namespace + "/" + name + " key " + key;
    }

    @Override
    public void close() {
        informer.close();
    }
}
