package dev.switchboard.charttests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.images.Component;
import dev.switchboard.images.ImageBuild;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered configuration really boots: the chart is rendered (provider simulator on, the local
 * stand-ins' settings: replication 1, no ClickHouse compression), its topics Job and every Deployment
 * run from the images {@code make images} built (see {@link PodProcess}: the image's root read-only,
 * the pod's user, volumes, env and args exactly as rendered), against the local stack's PostgreSQL,
 * Redis, Kafka and ClickHouse, with the fabric8 mock API server (CRUD) holding the rendered objects for
 * the catalog watchers and the prober's Lease. Then an account is made through auth's admin API and a
 * streamed chat goes through the edge, and its generation is read back once billing and analytics have
 * recorded it. Run by deploy/local/test.sh after {@code make images}, with the local services stopped
 * (the pods listen on the same ports): {@code mvnw -pl deploy/chart-tests test -Pboot}.
 */
class BootTest {

    private static final String NAMESPACE = "switchboard";
    private static final Path ROOT =
            Path.of(System.getProperty("switchboard.root")).toAbsolutePath().normalize();
    private static final Path IMAGES = ROOT.resolve("deploy/images/target/images");
    private static final Path WORK = ROOT.resolve("deploy/chart-tests/target/boot");
    private static final Duration READY = Duration.ofSeconds(Long.getLong("boot.ready-seconds", 300));
    /** The external stores' host names in the chart's defaults, which the pods' /etc/hosts maps here. */
    private static final List<String> STORE_HOSTS =
            List.of("postgresql", "redis", "clickhouse", "switchboard-kafka-bootstrap");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KubernetesMockServer server;
    private static final List<PodProcess> PODS = new ArrayList<>();
    private static final Map<String, Deployment> DEPLOYMENTS = new LinkedHashMap<>();
    private static PodProcess.Secrets secrets;

    @BeforeAll
    static void boot() throws Exception {
        List<HasMetadata> objects = Manifests.objects(Renders.with(Map.of(
                "providerSimulator.enabled", "true",
                "clickhouse.compression", "false",
                "kafka.topics.replicationFactor", "1",
                "kafka.topics.minInsyncReplicas", "1",
                // helm template leaves hooks out: render the topics Job as an object to run it here
                "kafka.topics.job.helmHook", "false")));
        secrets = secrets();
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        for (HasMetadata object : objects) {
            if (!(object instanceof Job)) {
                client.resource(object).inNamespace(NAMESPACE).create();
            }
        }
        List<ConfigMap> configMaps = Renders.ofKind(objects, ConfigMap.class);
        var hosts = new ArrayList<String>(STORE_HOSTS);
        for (Service service : Renders.ofKind(objects, Service.class)) {
            hosts.add(service.getMetadata().getName());
            hosts.add(service.getMetadata().getName() + "." + NAMESPACE + ".svc");
            hosts.add(service.getMetadata().getName() + "." + NAMESPACE + ".svc.cluster.local");
        }
        Map<String, String> api = Map.of("KUBERNETES_MASTER", server.url("/"), "KUBERNETES_TRUST_CERTIFICATES", "true");
        deleteRecursively(WORK);
        var node = new Node(configMaps, hosts, api);

        // the topics Job first, as its pre-install hook runs before the Deployments
        assertThat(Renders.ofKind(objects, Job.class)).as("the topics Job").hasSize(1);
        for (Job job : Renders.ofKind(objects, Job.class)) {
            String name = job.getMetadata().getName();
            var spec = job.getSpec().getTemplate().getSpec();
            PodProcess pod = node.start(name, spec);
            assertThat(pod.process.waitFor(job.getSpec().getActiveDeadlineSeconds(), TimeUnit.SECONDS))
                    .as("the topics Job ends within its deadline")
                    .isTrue();
            assertThat(pod.process.exitValue())
                    .as("the topics Job succeeds:\n%s", pod.tail())
                    .isZero();
            assertThat(Files.readString(pod.log)).contains("created", "already there");
        }
        for (Deployment deployment : Renders.ofKind(objects, Deployment.class)) {
            String name = deployment.getMetadata().getName();
            var spec = deployment.getSpec().getTemplate().getSpec();
            DEPLOYMENTS.put(name, deployment);
            PODS.add(node.start(name, spec));
        }
        Instant deadline = Instant.now().plus(READY);
        for (PodProcess pod : PODS) {
            awaitReady(pod, DEPLOYMENTS.get(pod.name), deadline);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (PodProcess pod : PODS.reversed()) {
            long grace =
                    DEPLOYMENTS.get(pod.name).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
            pod.stop(grace);
        }
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void everyRenderedWorkloadIsAnImageThatMakeImagesBuilds() {
        var images = new ArrayList<String>();
        DEPLOYMENTS
                .values()
                .forEach(d -> images.add(d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage()));
        var built = Component.ALL.stream().map(Component::imageName).toList();
        assertThat(images).allSatisfy(i -> assertThat(built).contains(i.substring(0, i.lastIndexOf(':'))));
        assertThat(DEPLOYMENTS).hasSize(7);
    }

    @Test
    void everyPodAnswersItsStartupReadinessAndLivenessProbes() throws Exception {
        for (PodProcess pod : PODS) {
            var container = DEPLOYMENTS
                    .get(pod.name)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst();
            for (Probe probe :
                    List.of(container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe())) {
                if (probe == null) {
                    continue;
                }
                URI uri = probeUri(container, probe);
                HttpResponse<String> answer;
                try {
                    answer = get(uri, Map.of());
                } catch (IOException e) {
                    throw new AssertionError(pod.name + " did not answer " + uri + ": " + e + "\n" + pod.tail(), e);
                }
                assertThat(answer.statusCode())
                        .as("%s %s", pod.name, probe.getHttpGet().getPath())
                        .isEqualTo(200);
            }
            assertThat(pod.process.isAlive()).as(pod.name).isTrue();
        }
    }

    @Test
    void aStreamedChatGoesThroughTheEdgeAndItsGenerationIsRecorded() throws Exception {
        String admin = secrets.value("switchboard-secrets", "admin-token");
        String auth = "http://127.0.0.1:" + port("switchboard-auth");
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + admin, "Content-Type", "application/json");
        JsonNode account = JSON.readTree(post(auth + "/admin/v1/accounts", "{\"name\":\"boot-test\"}", bearer));
        String id = account.path("id").asText();
        var credit = new LinkedHashMap<>(bearer);
        credit.put("Idempotency-Key", "boot-test-credit-" + id);
        post(auth + "/admin/v1/accounts/" + id + "/credits", "{\"amount_usd\":\"5.00\"}", credit);
        String key = JSON.readTree(post(
                        auth + "/admin/v1/accounts/" + id + "/keys",
                        "{\"kind\":\"inference\",\"label\":\"boot\"}",
                        bearer))
                .path("secret")
                .asText();
        String edge = "http://127.0.0.1:" + port("switchboard-edge");
        HttpResponse<String> chat = HTTP.send(
                HttpRequest.newBuilder(URI.create(edge + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"max_tokens\":16,"
                                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello from the chart\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(chat.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : chat.body().split("\n")) {
            if (line.startsWith("data: {")) {
                chunks.add(JSON.readTree(line.substring("data: ".length())));
            }
        }
        assertThat(chunks).as(chat.body()).hasSizeGreaterThan(1);
        assertThat(chat.body().strip()).endsWith("data: [DONE]");
        String generation = chunks.getFirst().path("id").asText();
        assertThat(chunks)
                .anyMatch(c -> !c.path("choices")
                        .path(0)
                        .path("delta")
                        .path("content")
                        .asText()
                        .isEmpty());

        // router → Kafka → analytics → ClickHouse (the generation), and billing's charge (its cost):
        // the generation is read back through the edge with the cost billing charged
        Instant deadline = Instant.now().plusSeconds(90);
        HttpResponse<String> answer;
        JsonNode data;
        do {
            Thread.sleep(1000);
            answer = get(
                    URI.create(edge + "/api/v1/generation?id=" + generation), Map.of("Authorization", "Bearer " + key));
            data = answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("data") : null;
        } while ((data == null || data.path("total_cost").asDouble() == 0)
                && Instant.now().isBefore(deadline));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(data.path("id").asText()).isEqualTo(generation);
        assertThat(data.path("total_cost").asDouble())
                .as("the charge billed: %s", answer.body())
                .isPositive();
        assertThat(data.path("tokens_completion").asLong()).isPositive();
    }

    /** What every pod of the boot shares: the rendered ConfigMaps, the host names, the API server. */
    private record Node(List<ConfigMap> configMaps, List<String> hosts, Map<String, String> api) {
        PodProcess start(String name, PodSpec spec) throws IOException {
            return PodProcess.start(
                    name,
                    spec,
                    NAMESPACE,
                    configMaps,
                    secrets,
                    image(spec.getContainers().getFirst().getImage()),
                    WORK.resolve(name),
                    hosts,
                    api);
        }
    }

    private static Path image(String reference) {
        String name = reference.substring(0, reference.lastIndexOf(':'));
        Component component = Component.ALL.stream()
                .filter(c -> c.imageName().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("the chart runs " + reference + ", which make images does not build"));
        Path archive = IMAGES.resolve(ImageBuild.tarName(component));
        assertThat(archive).as("make images built %s", reference).exists();
        return archive;
    }

    /** The Secrets an operator creates before installing (docs/deploy.md), with the local stack's credentials. */
    private static PodProcess.Secrets secrets() {
        String pgUser = System.getProperty("boot.postgres-user", "switchboard");
        String pgPassword = System.getProperty("boot.postgres-password", "switchboard");
        return new PodProcess.Secrets(Map.of(
                "switchboard-secrets",
                Map.of("internal-token", random(), "key-secret", random(), "admin-token", random()),
                "switchboard-postgresql-auth",
                Map.of("username", pgUser, "password", pgPassword),
                "switchboard-postgresql-billing",
                Map.of("username", pgUser, "password", pgPassword),
                "switchboard-clickhouse",
                Map.of("username", "default", "password", ""),
                "switchboard-provider-credentials",
                Map.of()));
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static int port(String deployment) {
        return DEPLOYMENTS
                .get(deployment)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getPorts()
                .getFirst()
                .getContainerPort();
    }

    private static URI probeUri(io.fabric8.kubernetes.api.model.Container container, Probe probe) {
        var port = probe.getHttpGet().getPort();
        int number = port.getIntVal() != null
                ? port.getIntVal()
                : container.getPorts().stream()
                        .filter(p -> p.getName().equals(port.getStrVal()))
                        .findFirst()
                        .orElseThrow()
                        .getContainerPort();
        return URI.create("http://127.0.0.1:" + number + probe.getHttpGet().getPath());
    }

    private static void awaitReady(PodProcess pod, Deployment deployment, Instant deadline) throws Exception {
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        URI ready = probeUri(container, container.getReadinessProbe());
        while (true) {
            assertThat(pod.process.isAlive())
                    .as("%s exited:\n%s", pod.name, pod.tail())
                    .isTrue();
            try {
                if (get(ready, Map.of()).statusCode() == 200) {
                    System.out.printf("==> boot: %s ready (%s)%n", pod.name, ready);
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(Instant.now())
                    .as("%s not ready by the deadline:\n%s", pod.name, pod.tail())
                    .isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private static HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String post(String uri, String body, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("%s: %s", uri, answer.body()).isBetween(200, 299);
        return answer.body();
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            // the unpacked roots hold root-owned, read-only trees: rm handles them
            new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().waitFor();
        }
    }
}
