package dev.switchboard.charttests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered objects go through a Kubernetes API (fabric8's mock server in CRUD mode: it stores and
 * serves what it is given) and come back as they were sent: the documents are objects an API server
 * takes, under the paths their kinds live at.
 */
@EnableKubernetesMockClient(crud = true)
class MockServerTest {

    static KubernetesClient client;

    private static final ResourceDefinitionContext KAFKA_TOPIC = new ResourceDefinitionContext.Builder()
            .withGroup("kafka.strimzi.io")
            .withVersion("v1beta2")
            .withKind("KafkaTopic")
            .withPlural("kafkatopics")
            .withNamespaced(true)
            .build();

    @Test
    void theDefaultRenderIsStoredAndReadBack() {
        applyAndReadBack(Manifests.objects(Renders.defaults()), "defaults");
    }

    @Test
    void theProductionRenderIsStoredAndReadBack() {
        applyAndReadBack(Manifests.objects(Renders.production()), "production");
    }

    @Test
    void everyOptionalObjectIsStoredAndReadBack() {
        applyAndReadBack(Manifests.objects(Renders.everything()), "everything");
    }

    /** Each render in a namespace of its own, so that the three do not collide in the one mock server. */
    private static void applyAndReadBack(List<HasMetadata> objects, String namespace) {
        for (HasMetadata object : objects) {
            object.getMetadata().setNamespace(namespace);
            if (object instanceof GenericKubernetesResource generic) {
                client.genericKubernetesResources(KAFKA_TOPIC)
                        .inNamespace(namespace)
                        .resource(generic)
                        .create();
            } else {
                client.resource(object).create();
            }
        }
        for (HasMetadata sent : objects) {
            HasMetadata stored = sent instanceof GenericKubernetesResource
                    ? client.genericKubernetesResources(KAFKA_TOPIC)
                            .inNamespace(namespace)
                            .withName(sent.getMetadata().getName())
                            .get()
                    : client.resource(sent).get();
            String what = sent.getKind() + " " + sent.getMetadata().getName();
            assertThat(stored).as(what).isNotNull();
            assertThat(comparable(stored)).as(what).isEqualTo(comparable(sent));
        }
        assertThat(client.apps().deployments().inNamespace(namespace).list().getItems())
                .hasSize((int) objects.stream()
                        .filter(o -> o.getKind().equals("Deployment"))
                        .count());
    }

    /** The object without what an API server adds (uid, resourceVersion, timestamps, status). */
    private static JsonNode comparable(HasMetadata object) {
        ObjectNode node = Manifests.serialization().convertValue(object, ObjectNode.class);
        node.remove("status");
        ObjectNode metadata = (ObjectNode) node.get("metadata");
        metadata.retain(Set.of("name", "namespace", "labels", "annotations"));
        return node;
    }
}
