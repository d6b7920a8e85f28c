package dev.switchboard.e2e;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's trace context crosses every hop: edge → router over HTTP, router → billing in the
 * usage record's headers, billing → auth/analytics in the charge record's headers.
 */
@Order(3)
class TracingE2eTest {

    private static Optional<ConsumerRecord<String, byte[]>> find(
            String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                Stack.getOr("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false");
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        return Optional.of(record);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String traceparent(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theTraceIdOfTheClientReachesTheUsageAndChargeRecords() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> response = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                .header("Authorization", "Bearer " + Stack.key())
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(ChatE2eTest.CHAT + "}"))
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("X-Generation-Id").orElseThrow();

        ConsumerRecord<String, byte[]> usage = find("switchboard.usage.v1", r -> id.equals(r.key()))
                .orElseThrow(() -> new AssertionError("no usage record for " + id));
        assertThat(traceparent(usage)).contains(traceId);

        ConsumerRecord<String, byte[]> charge = find(
                        "switchboard.charges.v1",
                        r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"generation_id\":\"" + id + "\""))
                .orElseThrow(() -> new AssertionError("no charge record for " + id));
        assertThat(traceparent(charge)).contains(traceId);
    }
}
