package dev.switchboard.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the local broker (deploy/local/stack.sh start): topics created once, then left alone. */
class EnsureTopicsTest {

    private static final String BOOTSTRAP = System.getProperty("kafka.bootstrap", "127.0.0.1:9092");
    private final String prefix = "kt-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Admin admin() {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        return Admin.create(props);
    }

    @AfterEach
    void deleteTopics() throws Exception {
        try (Admin admin = admin()) {
            var mine = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(prefix))
                    .toList();
            admin.deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
        }
    }

    private int run(String... topics) {
        var args = new java.util.ArrayList<>(
                List.of("--bootstrap-servers", BOOTSTRAP, "--replication-factor", "1", "--min-insync-replicas", "1"));
        args.addAll(List.of(topics));
        return EnsureTopics.run(
                args,
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void missingTopicsAreCreatedWithTheirPartitionsRetentionAndMinIsrThenLeftAlone() throws Exception {
        assertThat(run(prefix + ".a:3:3600000", prefix + ".a.dlq:1:-1"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("created " + prefix + ".a\n", "created 2 [", "already there 0");
        try (Admin admin = admin()) {
            var described = admin.describeTopics(List.of(prefix + ".a", prefix + ".a.dlq"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(described.get(prefix + ".a").partitions()).hasSize(3);
            assertThat(described.get(prefix + ".a.dlq").partitions()).hasSize(1);
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".a");
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        }
        out.reset();
        assertThat(run(prefix + ".a:6:3600000", prefix + ".a.dlq:1:-1")).isZero();
        assertThat(out.toString())
                .contains("created 0 [], already there 2")
                .contains("warning: " + prefix + ".a has 3 partitions, fewer than the 6 asked");
    }

    @Test
    void anUnreachableBrokerExitsOneAndABadLineTwo() {
        var args = List.of(
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--replication-factor",
                "1",
                "--min-insync-replicas",
                "1",
                prefix + ".b:1:1000");
        var quick = Map.of("KAFKA_DEFAULT_API_TIMEOUT_MS", "3000", "KAFKA_REQUEST_TIMEOUT_MS", "1000");
        assertThat(EnsureTopics.run(args, quick, new PrintStream(out), new PrintStream(err)))
                .isEqualTo(1);
        assertThat(EnsureTopics.run(
                        List.of("--replication-factor", "x"), Map.of(), new PrintStream(out), new PrintStream(err)))
                .isEqualTo(2);
        assertThat(err.toString()).contains("usage: kafka-topics");
    }
}
