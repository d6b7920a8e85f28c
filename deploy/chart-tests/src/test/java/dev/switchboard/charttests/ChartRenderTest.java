package dev.switchboard.charttests;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart lints, renders with its defaults and the production example, and its schema refuses bad values. */
class ChartRenderTest {

    @Test
    void lintsStrictly() {
        LintResult result = Renders.CHART.lint();

        assertThat(result.isFailed())
                .as("helm lint --strict: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void rendersTheDefaultValues() {
        List<HasMetadata> objects = Manifests.objects(Renders.defaults());

        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains(
                        "Deployment",
                        "Service",
                        "ServiceAccount",
                        "ConfigMap",
                        "Role",
                        "RoleBinding",
                        "NetworkPolicy",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget");
        assertThat(Renders.ofKind(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class))
                .extracting(Renders::component)
                .containsExactlyInAnyOrder("edge", "auth", "router", "billing", "analytics", "prober");
        assertThat(objects)
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE));
    }

    @Test
    void rendersTheProductionExample() {
        List<HasMetadata> objects = Manifests.objects(Renders.production());

        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains("Ingress", "KafkaTopic", "ServiceMonitor", "PrometheusRule")
                .doesNotContain("Job", "Secret");
    }

    /** A hook is not part of a release's manifest, which is what helm-java's template returns; helmHook=false shows the Job. */
    @Test
    void theTopicsJobIsAHelmHookUnlessAskedOtherwise() {
        assertThat(Manifests.objects(Renders.defaults()))
                .extracting(HasMetadata::getKind)
                .doesNotContain("Job");

        Job job = Renders.ofKind(Manifests.objects(Renders.everything()), Job.class)
                .getFirst();
        List<String> args =
                job.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();

        assertThat(job.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(args)
                .containsSubsequence("--replication-factor", "3")
                .containsSubsequence("--min-insync-replicas", "2")
                .contains(
                        "switchboard.usage.v1:12:604800000",
                        "switchboard.usage.v1.dlq:3:2592000000",
                        "switchboard.charges.v1:12:604800000",
                        "switchboard.charges.v1.dlq:3:2592000000",
                        "switchboard.provider-health.v1:3:604800000",
                        "switchboard.provider-health.v1.dlq:3:2592000000",
                        "switchboard.key-events.v1:3:86400000",
                        "switchboard.key-events.v1.dlq:3:2592000000");
    }

    @Test
    void strimziTopicsReplaceTheJob() {
        List<HasMetadata> objects = Manifests.objects(
                Renders.with(Map.of("kafka.topics.strimzi.enabled", "true", "kafka.topics.job.helmHook", "false")));

        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Job");
        assertThat(objects.stream()
                        .filter(o -> o.getKind().equals("KafkaTopic"))
                        .map(o -> o.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        "switchboard.usage.v1",
                        "switchboard.usage.v1.dlq",
                        "switchboard.charges.v1",
                        "switchboard.charges.v1.dlq",
                        "switchboard.provider-health.v1",
                        "switchboard.provider-health.v1.dlq",
                        "switchboard.key-events.v1",
                        "switchboard.key-events.v1.dlq");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "edge.replicas | two | '/edge/replicas': got string, want integer",
                "edge.replica | 2 | '/edge': additional properties 'replica' not allowed",
                "router.image.repository | \"\" | '/router/image/repository'",
                "router.image.pullPolicy | Sometimes | '/router/image/pullPolicy'",
                "kafka.securityProtocol | TLS | '/kafka/securityProtocol'",
                "providers.credentials.source | env | '/providers/credentials/source'",
                "securityContext.runAsUser | 0 | '/securityContext/runAsUser'",
                "postgresql.sslmode | maybe | '/postgresql/sslmode'",
                "networkPolicy.egress.kafka.cidrs[0] | kafka.example.com | '/networkPolicy/egress/kafka/cidrs/0'",
                "router.usageSpool.medium | Disk | '/router/usageSpool/medium'"
            })
    void theSchemaRefuses(String key, String value, String where) {
        assertThatThrownBy(() -> Renders.with(Map.of(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(where);
    }

    @Test
    void theSchemaRefusesAnUnknownTopLevelKeyAndAMissingImageField(@TempDir Path dir) throws IOException {
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "replicas: 3\n");
        Path noRepository = Files.writeString(dir.resolve("image.yaml"), "edge:\n  image:\n    repository: null\n");

        assertThatThrownBy(() -> Renders.with(unknown))
                .hasMessageContaining("additional properties 'replicas' not allowed");
        assertThatThrownBy(() -> Renders.with(noRepository))
                .hasMessageContaining("/edge/image")
                .hasMessageContaining("repository");
    }

    @Test
    void vaultNeedsAnAddress() {
        assertThatThrownBy(() -> Renders.with(Map.of("providers.credentials.source", "vault")))
                .hasMessageContaining("providers.credentials.vault.url is required");
    }
}
