package dev.switchboard.router.routing;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.router.RouteCalls;
import dev.switchboard.testsupport.MockKubernetesApi;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * The router on a catalog from a Kubernetes ConfigMap (the fabric8 mock API server in CRUD mode
 * stands in for the cluster): an edited price changes routing without a restart; an edit the
 * router cannot serve is rejected and routing goes on with the catalog in force.
 */
@QuarkusTest
@TestProfile(CatalogReloadTest.FromConfigMap.class)
class CatalogReloadTest {

    static final String NAMESPACE = MockKubernetesApi.NAMESPACE;
    static final String NAME = "switchboard-catalog";
    static final String MODEL = "openai/gpt-4o-mini";
    /** Azure's list price for GPT-4o-mini in the built-in catalog, a little above OpenAI's. */
    static final String AZURE_PRICES = "prices: { prompt: \"0.165\", completion: \"0.66\", cached_prompt: \"0.083\" }";

    public static class FromConfigMap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.catalog.config-map.name", NAME, "switchboard.catalog.config-map.namespace", NAMESPACE);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MockKubernetes.class));
        }
    }

    /** The mock API server, holding the built-in catalog in a ConfigMap before the router starts. */
    public static class MockKubernetes extends MockKubernetesApi {
        @Override
        protected void seed(KubernetesClient client) {
            put(client, builtIn());
        }
    }

    static String builtIn() {
        return new String(CatalogLoader.builtInDocument(), StandardCharsets.UTF_8);
    }

    static void put(String document) {
        put(MockKubernetesApi.client(), document);
    }

    static void put(KubernetesClient client, String document) {
        client.configMaps()
                .inNamespace(NAMESPACE)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .withData(Map.of("catalog.yaml", document))
                        .build())
                .createOr(existing -> existing.update());
    }

    @Inject
    LiveCatalog catalog;

    @Test
    void anEditedPriceChangesRoutingAndAnEditTheRouterCannotServeIsRejected() {
        assertThat(catalog.source()).isEqualTo("configmap switchboard/switchboard-catalog key catalog.yaml");
        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(MODEL))).isEqualTo("openai");

        // Azure cuts its price below OpenAI's: the cheapest route moves there, no restart
        assertThat(builtIn()).containsOnlyOnce(AZURE_PRICES);
        String cheaperAzure = builtIn().replace(AZURE_PRICES, "prices: { prompt: \"0.05\", completion: \"0.20\" }");
        put(cheaperAzure);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> catalog.revision()
                        .equals(LiveCatalog.revisionOf(cheaperAzure.getBytes(StandardCharsets.UTF_8))));
        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(MODEL))).isEqualTo("azure");

        // valid YAML, but an OpenAI option no adapter knows: rejected, the edited catalog stays
        String unknownOption = cheaperAzure.replace(
                "options: { max_tokens_param: max_completion_tokens, reasoning_param: reasoning_effort }",
                "options: { max_tokens_param: max_completion_tokens, reasoning_param: reasoning_effort, auth: carrier-pigeon }");
        assertThat(unknownOption).isNotEqualTo(cheaperAzure);
        put(unknownOption);
        await().atMost(Duration.ofSeconds(10)).until(() -> catalog.rejectedReloads() >= 1);
        assertThat(catalog.lastOutcome().problems()).anyMatch(p -> p.contains("auth"));
        assertThat(catalog.revision()).isEqualTo(LiveCatalog.revisionOf(cheaperAzure.getBytes(StandardCharsets.UTF_8)));
        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(MODEL))).isEqualTo("azure");
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'router' }.data.catalog_rejected_reloads", greaterThanOrEqualTo(1));
    }
}
