package dev.switchboard.charttests;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rendered document is a Kubernetes object fabric8 knows, of a kind the chart means to render. */
class ModelTest {

    /** kind -> apiVersion of everything the chart may render. */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("ConfigMap", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("ServiceAccount", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("Role", "rbac.authorization.k8s.io/v1"),
            Map.entry("RoleBinding", "rbac.authorization.k8s.io/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("HTTPRoute", "gateway.networking.k8s.io/v1"),
            Map.entry("Job", "batch/v1"),
            Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"),
            Map.entry("PrometheusRule", "monitoring.coreos.com/v1"),
            Map.entry("KafkaTopic", "kafka.strimzi.io/v1beta2"));

    /** Strimzi's model is not fabric8's: its KafkaTopics stay generic, and are checked by hand. */
    private static final Set<String> GENERIC = Set.of("KafkaTopic");

    @Test
    void everyDocumentIsAKnownTypedObject() {
        Renders.all().forEach((render, objects) -> {
            assertThat(objects).as(render).isNotEmpty();
            for (HasMetadata object : objects) {
                String what = render + ": " + object.getKind() + " "
                        + object.getMetadata().getName();
                assertThat(KINDS).as(what).containsKey(object.getKind());
                assertThat(object.getApiVersion()).as(what).isEqualTo(KINDS.get(object.getKind()));
                assertThat(object.getMetadata().getName()).as(what).isNotBlank();
                if (GENERIC.contains(object.getKind())) {
                    assertThat(object).as(what).isInstanceOf(GenericKubernetesResource.class);
                } else {
                    assertThat(object).as(what).isNotInstanceOf(GenericKubernetesResource.class);
                }
            }
        });
    }

    @Test
    void everyOptionalKindIsRenderedSomewhere() {
        Set<String> seen = new java.util.TreeSet<>();
        Renders.all().values().forEach(objects -> objects.forEach(o -> seen.add(o.getKind())));

        assertThat(seen).containsAll(KINDS.keySet());
    }

    @Test
    void kafkaTopicsCarryPartitionsReplicasAndSettings() {
        List<GenericKubernetesResource> topics = Manifests.objects(Renders.production()).stream()
                .filter(GenericKubernetesResource.class::isInstance)
                .map(GenericKubernetesResource.class::cast)
                .toList();

        assertThat(topics).hasSize(8).allSatisfy(topic -> {
            Map<String, Object> spec = topic.get("spec");
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "switchboard");
            assertThat(topic.getMetadata().getNamespace()).isEqualTo("kafka");
            assertThat(spec)
                    .containsEntry("topicName", topic.getMetadata().getName())
                    .containsEntry("replicas", 3)
                    .containsKey("partitions");
            assertThat((Map<String, Object>) spec.get("config"))
                    .containsEntry("min.insync.replicas", 2)
                    .containsKey("retention.ms");
        });
    }
}
