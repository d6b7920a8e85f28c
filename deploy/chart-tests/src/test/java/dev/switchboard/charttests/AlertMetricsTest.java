package dev.switchboard.charttests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every metric an alert reads is one a service registers, under its Prometheus name. */
class AlertMetricsTest {

    /** The Kafka client's own metrics, bound to Micrometer by Quarkus' Kafka binder (not in Switchboard's sources). */
    private static final Set<String> KAFKA_CLIENT = Set.of("kafka_consumer_fetch_manager_records_lag_max");

    private static final Pattern REGISTRATION = Pattern.compile(
            "(counter|gauge|Counter\\.builder|Gauge\\.builder|Timer\\.builder|DistributionSummary\\.builder)\\(\\s*\"([a-z_.]+)\"");
    private static final Pattern METRIC = Pattern.compile("\\b((?:switchboard|kafka)_[a-z0-9_]+)\\b");

    @Test
    void everyAlertReadsARegisteredMetric() {
        Set<String> registered = registeredMetrics(Renders.CHART.root());
        List<Rule> rules = alerts();

        assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
        for (Rule rule : rules) {
            String expr = rule.getExpr().getStrVal();
            Matcher m = METRIC.matcher(expr);
            List<String> used = new ArrayList<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            assertThat(used).as(rule.getAlert() + " reads a metric").isNotEmpty();
            for (String metric : used) {
                assertThat(registered.contains(metric) || KAFKA_CLIENT.contains(metric))
                        .as(rule.getAlert() + ": " + metric + " is registered by a service")
                        .isTrue();
            }
        }
    }

    /** The reader turns Micrometer names into Prometheus names the way the Prometheus registry does. */
    @Test
    void theReaderKnowsTheRegisteredNames() {
        assertThat(registeredMetrics(Renders.CHART.root()))
                .contains(
                        "switchboard_router_usage_events_total",
                        "switchboard_router_usage_spool_segments",
                        "switchboard_edge_auth_grace_requests_total",
                        "switchboard_auth_holds_expired_total",
                        "switchboard_credentials_refresh_total",
                        "switchboard_router_fallback_seconds_count")
                .doesNotContain("switchboard_router_breakers_open");
    }

    private static List<Rule> alerts() {
        List<Rule> rules = new ArrayList<>();
        for (HasMetadata o : Manifests.objects(Renders.production())) {
            if (o instanceof PrometheusRule rule) {
                for (RuleGroup group : rule.getSpec().getGroups()) {
                    rules.addAll(group.getRules());
                }
            }
        }
        return rules;
    }

    static Set<String> registeredMetrics(Path root) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path source : files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher m = REGISTRATION.matcher(Files.readString(source));
                while (m.find()) {
                    String base = m.group(2).replace('.', '_');
                    switch (m.group(1)) {
                        case "counter", "Counter.builder" ->
                            names.add(base.endsWith("_total") ? base : base + "_total");
                        case "gauge", "Gauge.builder" -> names.add(base);
                        case "Timer.builder" ->
                            Stream.of("_count", "_sum", "_max", "_bucket")
                                    .forEach(s -> names.add(base + "_seconds" + s));
                        default -> Stream.of("_count", "_sum", "_max").forEach(s -> names.add(base + s));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
