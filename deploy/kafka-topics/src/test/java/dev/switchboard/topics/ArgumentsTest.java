package dev.switchboard.topics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentsTest {

    private static final List<String> VALID = List.of(
            "--bootstrap-servers",
            "kafka-0:9092,kafka-1:9092",
            "--replication-factor",
            "3",
            "--min-insync-replicas",
            "2",
            "switchboard.usage.v1:12:604800000",
            "switchboard.usage.v1.dlq:3:-1");

    @Test
    void theJobsCommandLineParses() throws Exception {
        Arguments a = Arguments.parse(VALID);
        assertThat(a.bootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
        assertThat(a.replicationFactor()).isEqualTo((short) 3);
        assertThat(a.minInsyncReplicas()).isEqualTo(2);
        assertThat(a.topics())
                .containsExactly(
                        new Arguments.Topic("switchboard.usage.v1", 12, 604_800_000L),
                        new Arguments.Topic("switchboard.usage.v1.dlq", 3, -1));
    }

    @Test
    void badCommandLinesAreRefusedWithWhatIsWrong() {
        refused(without("--bootstrap-servers", 2), "--bootstrap-servers is required");
        refused(without("--replication-factor", 2), "--replication-factor is required");
        refused(without("--min-insync-replicas", 2), "--min-insync-replicas is required");
        refused(replace("3", "three"), "--replication-factor must be a whole number, not three");
        refused(replace("3", "0"), "--replication-factor must be at least 1");
        refused(replace("2", "4"), "--min-insync-replicas 4 exceeds --replication-factor 3");
        refused(
                replace("switchboard.usage.v1:12:604800000", "switchboard.usage.v1:12"),
                "is not TOPIC:PARTITIONS:RETENTION_MS");
        refused(replace("switchboard.usage.v1:12:604800000", "switchboard.usage.v1:0:1000"), "must be at least 1");
        refused(replace("switchboard.usage.v1:12:604800000", "switchboard.usage.v1:1:soon"), "must be milliseconds");
        refused(replace("switchboard.usage.v1:12:604800000", "bad/name:1:1000"), "not a legal Kafka topic name");
        refused(replace("switchboard.usage.v1:12:604800000", "switchboard.usage.v1.dlq:1:1000"), "is given twice");
        refused(
                List.of("--bootstrap-servers", "k:9092", "--replication-factor", "1", "--min-insync-replicas", "1"),
                "no topic given");
        refused(List.of("--bootstrap-servers"), "--bootstrap-servers needs a value");
        refused(replace("kafka-0:9092,kafka-1:9092", "kafka-0:9092,kafka-1"), "kafka-1 is not HOST:PORT");
        var unknown = new ArrayList<>(VALID);
        unknown.add("--partitions");
        refused(unknown, "unknown option --partitions");
    }

    @Test
    void kafkaVariablesBecomeAdminClientSettingsAndUnknownOnesAreRefused() throws Exception {
        var settings = ClientSettings.from(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"s3cret\";",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_BOOTSTRAP_SERVERS", "ignored:9092",
                "PATH", "/opt/java/bin"));
        assertThat(settings)
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type");
        assertThat(settings).containsEntry("security.protocol", "SASL_SSL");
        assertThatThrownBy(() -> ClientSettings.from(Map.of("KAFKA_SECURTY_PROTOCOL", "SSL-secret-value")))
                .isInstanceOf(Arguments.Invalid.class)
                .hasMessageContaining("KAFKA_SECURTY_PROTOCOL")
                .hasMessageNotContaining("SSL-secret-value");
    }

    private static void refused(List<String> args, String message) {
        assertThatThrownBy(() -> Arguments.parse(args))
                .isInstanceOf(Arguments.Invalid.class)
                .hasMessageContaining(message);
    }

    private static List<String> without(String option, int count) {
        var args = new ArrayList<>(VALID);
        int i = args.indexOf(option);
        for (int n = 0; n < count; n++) {
            args.remove(i);
        }
        return args;
    }

    private static List<String> replace(String from, String to) {
        var args = new ArrayList<>(VALID);
        args.set(args.indexOf(from), to);
        return args;
    }
}
