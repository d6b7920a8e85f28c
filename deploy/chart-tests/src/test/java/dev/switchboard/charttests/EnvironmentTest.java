package dev.switchboard.charttests;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every environment variable the chart gives a service names something that service reads. A typo, a
 * setting moved to another service or one its extensions do not have would otherwise be ignored
 * silently by the pod; here it fails the build.
 */
class EnvironmentTest {

    private static final Map<String, String> MODULES = Map.of(
            "edge", "edge-service",
            "auth", "auth-service",
            "router", "router-service",
            "billing", "billing-service",
            "analytics", "analytics-service",
            "prober", "health-prober",
            "provider-simulator", "provider-simulator");

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private static Map<String, ServiceSettings> settings;

    @BeforeAll
    static void readTheServices() throws IOException {
        Set<String> providers = providerNames();
        settings = new java.util.HashMap<>();
        MODULES.forEach((component, module) ->
                settings.put(component, ServiceSettings.of(Renders.CHART.root(), module, providers)));
    }

    @Test
    void everyRenderSetsOnlyWhatTheServicesRead() {
        Renders.all()
                .forEach((render, objects) ->
                        assertThat(problems(objects)).as(render).isEmpty());
    }

    /** The reader itself finds what the services do read (so that a pass above means something). */
    @Test
    void theReaderKnowsTheServicesSettings() {
        assertThat(settings.get("router").properties())
                .contains(
                        "switchboard.router.usage.spool-dir",
                        "switchboard.router.credit.auth-url",
                        "switchboard.credentials.vault.path",
                        "switchboard.catalog.config-map.name",
                        "quarkus.http.host",
                        "kafka.bootstrap.servers");
        assertThat(settings.get("prober").properties())
                .contains("switchboard.prober.leader-election.mode", "switchboard.prober.leader-election.lease-name");
        assertThat(settings.get("analytics").properties()).contains("switchboard.clickhouse.socket-timeout");
        assertThat(settings.get("auth").modules()).doesNotContain("catalog");
        assertThat(settings.get("auth").properties()).doesNotContain("switchboard.catalog.config-map.name");
        assertThat(settings.get("prober").modules()).contains("providers", "catalog");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        // a typo of a real setting
        "edge, SWITCHBOARD_EDGE_MAX_BODY_BYTEZ",
        // a real setting of another service
        "auth, SWITCHBOARD_ROUTER_USAGE_SPOOL_DIR",
        // the catalog is not loaded by auth
        "auth, SWITCHBOARD_CATALOG_CONFIG_MAP_NAME",
        // the simulator has no Kafka client
        "provider-simulator, KAFKA_SASL_MECHANISM",
        // no such Kafka client setting
        "billing, KAFKA_SASL_JASS_CONFIG",
        // billing has no Vault
        "billing, QUARKUS_VAULT_URL",
        // no such provider in the catalog
        "router, SWITCHBOARD_PROVIDERS_OPENAII_BASE_URL",
        // the simulator is no Quarkus app
        "provider-simulator, QUARKUS_SHUTDOWN_TIMEOUT"
    })
    void aVariableNoServiceReadsFailsTheCheck(String component, String variable) {
        Map<String, String> sets = new java.util.HashMap<>(Map.of(
                values(component) + ".extraEnv[0].name", variable, values(component) + ".extraEnv[0].value", "x"));
        if (component.equals("provider-simulator")) {
            sets.put("providerSimulator.enabled", "true");
        }

        List<String> problems = problems(Manifests.objects(Renders.with(sets)));

        assertThat(problems).singleElement().asString().contains(variable);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "edge, SWITCHBOARD_EDGE_MAX_BODY_BYTES",
        "edge, SWITCHBOARD_EDGE_AUTH_GRACE_PERIOD",
        "auth, SWITCHBOARD_AUTH_LEASE_BATCH_USD",
        "router, SWITCHBOARD_ROUTER_UPSTREAM_TOTAL_TIMEOUT",
        "router, SWITCHBOARD_PROVIDERS_GROQ_API_KEY",
        "billing, KAFKA_SASL_MECHANISM",
        // the router's usage producer takes every kafka.* setting
        "router, KAFKA_SASL_MECHANISM",
        "prober, QUARKUS_VAULT_URL",
        "analytics, CLICKHOUSE_USER",
        "provider-simulator, SIM_KEY_OPENAI"
    })
    void aVariableTheServiceReadsPasses(String component, String variable) {
        Map<String, String> sets = new java.util.HashMap<>(Map.of(
                values(component) + ".extraEnv[0].name", variable, values(component) + ".extraEnv[0].value", "x"));
        sets.put("providerSimulator.enabled", "true");

        assertThat(problems(Manifests.objects(Renders.with(sets)))).isEmpty();
    }

    private static List<String> problems(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : Renders.ofKind(objects, Deployment.class)) {
            ServiceSettings service = settings.get(Renders.component(deployment));
            assertThat(service)
                    .as("a module for " + deployment.getMetadata().getName())
                    .isNotNull();
            for (Container container : Renders.containers(deployment)) {
                Map<String, String> env = Renders.environment(objects, container);
                Set<String> interpolated = new TreeSet<>();
                for (String value : env.values()) {
                    Matcher m = INTERPOLATION.matcher(value == null ? "" : value);
                    while (m.find()) {
                        assertThat(env)
                                .as("$(%s) is defined in the container", m.group(1))
                                .containsKey(m.group(1));
                        interpolated.add(m.group(1));
                    }
                }
                for (String name : env.keySet()) {
                    service.problem(name, interpolated)
                            .ifPresent(
                                    p -> problems.add(deployment.getMetadata().getName() + ": " + p));
                }
            }
        }
        return problems;
    }

    private static String values(String component) {
        return component.equals("provider-simulator") ? "providerSimulator" : component;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> providerNames() throws IOException {
        Map<String, Object> catalog = new YAMLMapper()
                .readValue(ManifestRenderer.builtInCatalog(Renders.CHART).toFile(), Map.class);
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> provider : (List<Map<String, Object>>) catalog.get("providers")) {
            names.add((String) provider.get("name"));
        }
        return names;
    }
}
