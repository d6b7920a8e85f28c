package dev.switchboard.charttests;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The chart's renders the tests share, each made once per JVM (a render takes helm a moment). */
final class Renders {

    static final Chart CHART = Chart.ofRepository();

    /** Every optional part on: simulator, Ingress, HTTPRoute, ServiceMonitor, PrometheusRule, the topics Job as a plain object. */
    static final Map<String, String> EVERYTHING_ON = Map.of(
            "providerSimulator.enabled", "true",
            "providerSimulator.replicas", "2",
            "ingress.enabled", "true",
            "httpRoute.enabled", "true",
            "observability.serviceMonitor.enabled", "true",
            "observability.prometheusRule.enabled", "true",
            "observability.otlpEndpoint", "http://otel-collector.observability:4317",
            "kafka.topics.job.helmHook", "false");

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Renders() {}

    static String defaults() {
        return CACHE.computeIfAbsent("defaults", k -> CHART.render());
    }

    static String production() {
        return CACHE.computeIfAbsent("production", k -> CHART.render(List.of(CHART.productionValues()), Map.of()));
    }

    static String everything() {
        return CACHE.computeIfAbsent("everything", k -> CHART.render(List.of(), EVERYTHING_ON));
    }

    static String with(Map<String, String> sets) {
        return CHART.render(List.of(), sets);
    }

    static String with(Path valuesFile) {
        return CHART.render(List.of(valuesFile), Map.of());
    }

    /** The three renders every policy holds for. */
    static Map<String, List<HasMetadata>> all() {
        Map<String, List<HasMetadata>> all = new LinkedHashMap<>();
        all.put("default values", Manifests.objects(defaults()));
        all.put("values-production.yaml", Manifests.objects(production()));
        all.put("every option on", Manifests.objects(everything()));
        return all;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static String component(HasMetadata object) {
        return object.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    static Deployment deployment(List<HasMetadata> objects, String component) {
        return ofKind(objects, Deployment.class).stream()
                .filter(d -> component.equals(component(d)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment of " + component));
    }

    /** A container's environment: its env entries (value, or "<from Secret>"), then what envFrom ConfigMaps add. */
    static Map<String, String> environment(List<HasMetadata> objects, Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
            String name = from.getConfigMapRef().getName();
            ConfigMap map = ofKind(objects, ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("envFrom names a ConfigMap not rendered: " + name));
            env.putAll(map.getData());
        }
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            env.put(var.getName(), var.getValueFrom() != null ? "<from Secret>" : var.getValue());
        }
        return env;
    }

    static List<Container> containers(Deployment deployment) {
        return new ArrayList<>(deployment.getSpec().getTemplate().getSpec().getContainers());
    }
}
