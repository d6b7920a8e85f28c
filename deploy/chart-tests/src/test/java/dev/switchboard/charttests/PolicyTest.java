package dev.switchboard.charttests;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What every render must hold to: probes, resources, a locked-down pod, no secret, least privilege, closed network. */
class PolicyTest {

    private static final Set<String> SERVICES = Set.of("edge", "auth", "router", "billing", "analytics", "prober");

    /** The only grants the chart may make: (apiGroup, resource) -> exact verbs. */
    private static final Map<String, Set<String>> GRANTS = Map.of(
            "coordination.k8s.io/leases", Set.of("get", "create", "update"),
            "/configmaps", Set.of("get", "list", "watch"));

    @Test
    void everyDeploymentHasProbesResourcesAndALockedDownPod() {
        Renders.all().forEach((render, objects) -> {
            for (Deployment deployment : Renders.ofKind(objects, Deployment.class)) {
                String what = render + ": " + deployment.getMetadata().getName();
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                PodSecurityContext podSecurity = pod.getSecurityContext();
                assertThat(podSecurity.getRunAsNonRoot()).as(what).isTrue();
                assertThat(podSecurity.getRunAsUser()).as(what).isPositive();
                assertThat(podSecurity.getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
                for (Container container : pod.getContainers()) {
                    boolean quarkus = SERVICES.contains(Renders.component(deployment));
                    assertProbe(
                            what + " startup", container.getStartupProbe(), quarkus ? "/q/health/started" : "/health");
                    assertProbe(
                            what + " readiness",
                            container.getReadinessProbe(),
                            quarkus ? "/q/health/ready" : "/health");
                    assertProbe(
                            what + " liveness", container.getLivenessProbe(), quarkus ? "/q/health/live" : "/health");
                    assertThat(container.getResources().getRequests()).as(what).containsKeys("cpu", "memory");
                    assertThat(container.getResources().getLimits()).as(what).containsKeys("cpu", "memory");
                    SecurityContext security = container.getSecurityContext();
                    assertThat(security.getRunAsNonRoot()).as(what).isTrue();
                    assertThat(security.getReadOnlyRootFilesystem()).as(what).isTrue();
                    assertThat(security.getAllowPrivilegeEscalation()).as(what).isFalse();
                    assertThat(security.getPrivileged()).as(what).isFalse();
                    assertThat(security.getCapabilities().getDrop()).as(what).containsExactly("ALL");
                    assertThat(security.getCapabilities().getAdd()).as(what).isNullOrEmpty();
                    assertThat(security.getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
                    assertThat(container.getVolumeMounts())
                            .as(what + ": /tmp on an emptyDir")
                            .anySatisfy(m -> {
                                assertThat(m.getMountPath()).isEqualTo("/tmp");
                                assertThat(volume(pod, m.getName()).getEmptyDir())
                                        .isNotNull();
                            });
                    assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds())
                            .as(what)
                            .isPositive();
                }
            }
        });
    }

    /** The kubelet must not kill a pod that is still draining: grace > preStop sleep + Quarkus' shutdown timeout. */
    @Test
    void terminationGraceOutlastsTheDrain() {
        Renders.all().forEach((render, objects) -> {
            for (Deployment deployment : Renders.ofKind(objects, Deployment.class)) {
                if (!SERVICES.contains(Renders.component(deployment))) {
                    continue;
                }
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                Container container = pod.getContainers().getFirst();
                Duration drain = Duration.parse("PT"
                        + Renders.environment(objects, container)
                                .get("QUARKUS_SHUTDOWN_TIMEOUT")
                                .toUpperCase());
                long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
                assertThat(pod.getTerminationGracePeriodSeconds())
                        .as(render + ": " + deployment.getMetadata().getName())
                        .isGreaterThan(preStop + drain.toSeconds());
            }
        });
        // a stream may run for the router's upstream total timeout (120 s): edge and router drain that long
        List<HasMetadata> defaults = Manifests.objects(Renders.defaults());
        for (String streaming : List.of("edge", "router")) {
            Container c =
                    Renders.containers(Renders.deployment(defaults, streaming)).getFirst();
            assertThat(Renders.environment(defaults, c)).containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "120s");
        }
    }

    @Test
    void servicesBindEveryInterfaceInThePod() {
        Renders.all()
                .forEach((render, objects) -> SERVICES.forEach(service -> {
                    Container c = Renders.containers(Renders.deployment(objects, service))
                            .getFirst();
                    assertThat(Renders.environment(objects, c))
                            .as(render + ": " + service)
                            .containsEntry("SWITCHBOARD_BIND_HOST", "0.0.0.0");
                }));
    }

    @Test
    void aConfigChangeRollsOnlyThePodsOfThatService() {
        List<HasMetadata> before = Manifests.objects(Renders.defaults());
        List<HasMetadata> after =
                Manifests.objects(Renders.with(Map.of("edge.javaToolOptions", "-XX:MaxRAMPercentage=60")));

        assertThat(checksum(after, "edge")).isNotEqualTo(checksum(before, "edge"));
        assertThat(checksum(after, "router")).isEqualTo(checksum(before, "router"));
    }

    @Test
    void noSecretValueIsRendered() {
        Renders.all().forEach((render, objects) -> {
            assertThat(Renders.ofKind(objects, Secret.class)).as(render).isEmpty();
            for (Deployment deployment : Renders.ofKind(objects, Deployment.class)) {
                for (Container c : Renders.containers(deployment)) {
                    for (var env :
                            c.getEnv() == null ? List.<io.fabric8.kubernetes.api.model.EnvVar>of() : c.getEnv()) {
                        boolean secretLike = env.getName().matches(".*(TOKEN|SECRET|PASSWORD).*");
                        if (secretLike) {
                            assertThat(env.getValueFrom())
                                    .as(render + ": " + env.getName() + " comes from a Secret")
                                    .isNotNull();
                            assertThat(env.getValueFrom().getSecretKeyRef()).isNotNull();
                        }
                    }
                }
            }
        });
        for (ConfigMap map : Renders.ofKind(Manifests.objects(Renders.defaults()), ConfigMap.class)) {
            assertThat(map.getData().keySet()).noneMatch(k -> k.matches(".*(TOKEN|SECRET|PASSWORD).*"));
        }
    }

    @Test
    void rbacGrantsLeasesToTheProberAndTheCatalogToItsWatchersOnly() {
        Renders.all().forEach((render, objects) -> {
            assertThat(Renders.ofKind(objects, ClusterRole.class)).as(render).isEmpty();
            assertThat(Renders.ofKind(objects, ClusterRoleBinding.class))
                    .as(render)
                    .isEmpty();
            Map<String, Set<String>> granted = new java.util.TreeMap<>();
            for (Role role : Renders.ofKind(objects, Role.class)) {
                for (PolicyRule rule : role.getRules()) {
                    assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
                    for (String group : rule.getApiGroups()) {
                        for (String resource : rule.getResources()) {
                            String key = group + "/" + resource;
                            assertThat(GRANTS)
                                    .as(render + ": " + role.getMetadata().getName() + " grants " + key)
                                    .containsKey(key);
                            assertThat(new TreeSet<>(rule.getVerbs()))
                                    .as(key)
                                    .isEqualTo(new TreeSet<>(GRANTS.get(key)));
                            granted.computeIfAbsent(key, k -> new TreeSet<>()).addAll(subjects(objects, role));
                        }
                    }
                }
            }
            String prefix = Chart.RELEASE + "-";
            assertThat(granted.get("coordination.k8s.io/leases")).containsExactly(prefix + "prober");
            assertThat(granted.get("/configmaps"))
                    .containsExactlyInAnyOrder(
                            prefix + "edge",
                            prefix + "router",
                            prefix + "billing",
                            prefix + "analytics",
                            prefix + "prober");
        });
    }

    @Test
    void onlyTheServicesThatCallTheApiGetAToken() {
        Renders.all().forEach((render, objects) -> {
            for (Deployment d : Renders.ofKind(objects, Deployment.class)) {
                boolean expected = Set.of("edge", "router", "billing", "analytics", "prober")
                        .contains(Renders.component(d));
                assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                        .as(render + ": " + d.getMetadata().getName())
                        .isEqualTo(expected);
            }
        });
    }

    @Test
    void aDefaultDenyCoversEveryPod() {
        Renders.all().forEach((render, objects) -> {
            List<NetworkPolicy> denies = Renders.ofKind(objects, NetworkPolicy.class).stream()
                    .filter(np -> np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")))
                    .filter(np -> isNullOrEmpty(np.getSpec().getIngress())
                            && isNullOrEmpty(np.getSpec().getEgress()))
                    .toList();
            assertThat(denies).as(render).hasSize(1);
            Map<String, String> selector =
                    denies.getFirst().getSpec().getPodSelector().getMatchLabels();
            for (Deployment d : Renders.ofKind(objects, Deployment.class)) {
                assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                        .as(render + ": " + d.getMetadata().getName())
                        .containsAllEntriesOf(selector);
            }
        });
    }

    @Test
    void everyServiceIsReachableOnlyFromItsCallers() {
        Map<String, Set<String>> callers = Map.of(
                "edge", Set.of(),
                "auth", Set.of("edge", "router"),
                "router", Set.of("edge"),
                // auth reads billing's ledger and analytics' ClickHouse rows to reconcile (GET /admin/v1/reconcile)
                "analytics", Set.of("auth", "edge"),
                "billing", Set.of("auth"),
                "prober", Set.of(),
                "provider-simulator", Set.of("router", "prober"));
        Renders.all().forEach((render, objects) -> {
            for (Service service : Renders.ofKind(objects, Service.class)) {
                String component = Renders.component(service);
                String what = render + ": " + service.getMetadata().getName();
                List<NetworkPolicy> covering = Renders.ofKind(objects, NetworkPolicy.class).stream()
                        .filter(np -> np.getSpec().getPolicyTypes().contains("Ingress"))
                        .filter(np -> service.getSpec()
                                .getSelector()
                                .entrySet()
                                .containsAll(np.getSpec()
                                        .getPodSelector()
                                        .getMatchLabels()
                                        .entrySet()))
                        .filter(np -> np.getSpec()
                                .getPodSelector()
                                .getMatchLabels()
                                .containsKey("app.kubernetes.io/component"))
                        .toList();
                assertThat(covering)
                        .as(what + " is selected by a policy of its own")
                        .hasSize(1);
                Set<String> fromPods = new TreeSet<>();
                boolean external = false;
                for (NetworkPolicyIngressRule rule :
                        covering.getFirst().getSpec().getIngress()) {
                    assertThat(rule.getPorts())
                            .as(what + ": every rule names its port")
                            .isNotEmpty();
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        assertThat(peer.getIpBlock()).as(what).isNull();
                        if (peer.getNamespaceSelector() == null) {
                            fromPods.add(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component"));
                        } else {
                            external = true;
                        }
                    }
                }
                assertThat(fromPods).as(what + " callers").isEqualTo(callers.get(component));
                if (component.equals("edge")) {
                    assertThat(external)
                            .as(what + " reachable from the ingress")
                            .isTrue();
                }
            }
        });
    }

    /** A rule with no destination would allow every address: each egress rule names where it goes. */
    @Test
    void everyEgressRuleNamesItsDestinationAndPorts() {
        Renders.all().forEach((render, objects) -> {
            for (NetworkPolicy np : Renders.ofKind(objects, NetworkPolicy.class)) {
                for (var rule : np.getSpec().getEgress() == null
                        ? List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule>of()
                        : np.getSpec().getEgress()) {
                    assertThat(rule.getTo())
                            .as(render + ": " + np.getMetadata().getName())
                            .isNotEmpty();
                    assertThat(rule.getPorts())
                            .as(render + ": " + np.getMetadata().getName())
                            .isNotEmpty();
                }
            }
        });
    }

    @Test
    void edgeAndRouterAutoscaleAndEveryReplicatedServiceHasADisruptionBudget() {
        Renders.all().forEach((render, objects) -> {
            Set<String> scaled = Renders.ofKind(objects, HorizontalPodAutoscaler.class).stream()
                    .map(h -> h.getSpec().getScaleTargetRef().getName())
                    .collect(Collectors.toSet());
            assertThat(scaled).as(render).contains(Chart.RELEASE + "-edge", Chart.RELEASE + "-router");
            Set<String> budgeted = Renders.ofKind(objects, PodDisruptionBudget.class).stream()
                    .map(p -> p.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component"))
                    .collect(Collectors.toSet());
            for (Deployment d : Renders.ofKind(objects, Deployment.class)) {
                boolean replicated = scaled.contains(d.getMetadata().getName())
                        || Objects.requireNonNullElse(d.getSpec().getReplicas(), 1) > 1;
                assertThat(budgeted.contains(Renders.component(d)))
                        .as(render + ": PDB of " + d.getMetadata().getName())
                        .isEqualTo(replicated);
                if (scaled.contains(d.getMetadata().getName())) {
                    assertThat(d.getSpec().getReplicas())
                            .as("the HPA owns the replica count")
                            .isNull();
                }
            }
        });
    }

    @Test
    void theRouterSpoolIsOnItsOwnWritableVolume() {
        Renders.all().forEach((render, objects) -> {
            Deployment router = Renders.deployment(objects, "router");
            PodSpec pod = router.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().getFirst();
            String dir = Renders.environment(objects, container).get("SWITCHBOARD_ROUTER_USAGE_SPOOL_DIR");
            var mount = container.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(dir))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(render + ": spool dir " + dir + " is not a mount"));
            assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            assertThat(volume(pod, mount.getName()).getEmptyDir()).as(render).isNotNull();
            assertThat(volume(pod, mount.getName()).getEmptyDir().getSizeLimit())
                    .as(render)
                    .isNotNull();
        });
    }

    @Test
    void theCatalogConfigMapIsTheBuiltInCatalogAndEveryWatcherNamesIt() throws Exception {
        List<HasMetadata> objects = Manifests.objects(Renders.defaults());
        String builtIn = Files.readString(ManifestRenderer.builtInCatalog(Renders.CHART));
        ConfigMap catalog = Renders.ofKind(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(Chart.RELEASE + "-catalog"))
                .findFirst()
                .orElseThrow();

        assertThat(Files.readString(ManifestRenderer.chartCatalog(Renders.CHART)))
                .as("deploy/helm/switchboard/files/catalog.yaml is a copy of the built-in catalog: run make manifests")
                .isEqualTo(builtIn);
        assertThat(catalog.getData()).containsOnlyKeys("catalog.yaml");
        assertThat(catalog.getData().get("catalog.yaml")).isEqualTo(builtIn);
        for (String watcher : List.of("edge", "router", "billing", "analytics", "prober")) {
            Container c =
                    Renders.containers(Renders.deployment(objects, watcher)).getFirst();
            assertThat(Renders.environment(objects, c))
                    .containsEntry("SWITCHBOARD_CATALOG_CONFIG_MAP_NAME", Chart.RELEASE + "-catalog");
        }
    }

    @Test
    void theSimulatorIsWhatProvidersPointAtWhenItIsOn() {
        List<HasMetadata> objects = Manifests.objects(Renders.everything());
        for (String caller : List.of("router", "prober")) {
            Map<String, String> env = Renders.environment(
                    objects,
                    Renders.containers(Renders.deployment(objects, caller)).getFirst());
            assertThat(env)
                    .containsEntry(
                            "SWITCHBOARD_PROVIDERS_OPENAI_BASE_URL",
                            "http://switchboard-provider-simulator:8090/openai/v1");
            assertThat(env).doesNotContainKeys("SWITCHBOARD_CREDENTIALS_DIR", "SWITCHBOARD_CREDENTIALS_SOURCE");
        }
        Map<String, String> production = Renders.environment(
                Manifests.objects(Renders.production()),
                Renders.containers(Renders.deployment(Manifests.objects(Renders.production()), "router"))
                        .getFirst());
        assertThat(production.keySet()).noneMatch(k -> k.endsWith("_BASE_URL"));
        assertThat(production).containsEntry("SWITCHBOARD_CREDENTIALS_SOURCE", "vault");
    }

    private static String checksum(List<HasMetadata> objects, String component) {
        return Renders.deployment(objects, component)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/config");
    }

    private static Set<String> subjects(List<HasMetadata> objects, Role role) {
        Set<String> names = new HashSet<>();
        for (RoleBinding binding : Renders.ofKind(objects, RoleBinding.class)) {
            if (binding.getRoleRef().getName().equals(role.getMetadata().getName())
                    && binding.getRoleRef().getKind().equals("Role")) {
                for (Subject s : binding.getSubjects()) {
                    assertThat(s.getKind()).isEqualTo("ServiceAccount");
                    names.add(s.getName());
                }
            }
        }
        return names;
    }

    private static void assertProbe(String what, Probe probe, String path) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what).isEqualTo(path);
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static boolean isNullOrEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
