package dev.switchboard.catalog;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.catalog.LiveCatalogTest.document;
import static dev.switchboard.catalog.LiveCatalogTest.promptPico;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The catalog in a ConfigMap, watched through the Kubernetes API (the fabric8 mock API server in
 * CRUD mode stands in for one): edits are in force within moments, broken ones are rejected.
 */
class CatalogConfigMapWatcherTest {

    static final String NAMESPACE = "switchboard";
    static final String NAME = "switchboard-catalog";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private LiveCatalog catalog;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (catalog != null) {
            catalog.close();
        }
        client.close();
        server.destroy();
    }

    private void put(String key, String document) {
        ConfigMap map = new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withData(Map.of(key, document))
                .build();
        client.configMaps().inNamespace(NAMESPACE).resource(map).createOr(existing -> existing.update());
    }

    @Test
    void editsOfTheConfigMapAreInForceAndBrokenOnesAreRejected() {
        put(CatalogProducer.DEFAULT_KEY, document("1"));
        byte[] first = CatalogConfigMapWatcher.read(client, NAMESPACE, NAME, CatalogProducer.DEFAULT_KEY);
        catalog = LiveCatalogTest.live(new String(first, java.nio.charset.StandardCharsets.UTF_8));
        CatalogConfigMapWatcher.start(client, NAMESPACE, NAME, CatalogProducer.DEFAULT_KEY, catalog);

        put(CatalogProducer.DEFAULT_KEY, document("0.5"));
        await().atMost(Duration.ofSeconds(10)).until(() -> promptPico(catalog) == 500_000L);
        assertThat(catalog.source()).isEqualTo("configmap switchboard/switchboard-catalog key catalog.yaml");

        // a typo: rejected with the reason, the edited-before catalog stays
        put(CatalogProducer.DEFAULT_KEY, document("0.25").replace("family: openai-chat", "family: openai-chatt"));
        await().atMost(Duration.ofSeconds(10)).until(() -> catalog.rejectedReloads() >= 1);
        assertThat(catalog.lastOutcome().problems())
                .singleElement()
                .asString()
                .contains("provider acme: family must be one of");
        assertThat(promptPico(catalog)).isEqualTo(500_000L);

        // the key renamed by mistake: rejected too
        put("catalog.yml", document("0.25"));
        await().atMost(Duration.ofSeconds(10)).until(() -> catalog.rejectedReloads() >= 2);
        assertThat(catalog.lastOutcome().problems()).containsExactly("ConfigMap has no key catalog.yaml");
        assertThat(promptPico(catalog)).isEqualTo(500_000L);

        // fixed: in force
        put(CatalogProducer.DEFAULT_KEY, document("0.125"));
        await().atMost(Duration.ofSeconds(10)).until(() -> promptPico(catalog) == 125_000L);

        // deleted: the catalog in force stays
        client.configMaps().inNamespace(NAMESPACE).withName(NAME).delete();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> catalog.lastOutcome().problems().contains("ConfigMap deleted"));
        assertThat(promptPico(catalog)).isEqualTo(125_000L);
    }

    @Test
    void aServiceDoesNotStartWithoutItsConfigMap() {
        assertThatThrownBy(() -> CatalogConfigMapWatcher.read(client, NAMESPACE, NAME, CatalogProducer.DEFAULT_KEY))
                .isInstanceOfSatisfying(
                        CatalogException.class, e -> assertThat(e.problems()).containsExactly("ConfigMap not found"));
        put("other.yaml", document("1"));
        assertThatThrownBy(() -> CatalogConfigMapWatcher.read(client, NAMESPACE, NAME, CatalogProducer.DEFAULT_KEY))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems()).containsExactly("ConfigMap has no key catalog.yaml"));
    }
}
