package dev.switchboard.analytics.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.Rows;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Kafka → ClickHouse, in batches (one insert per poll). A record that cannot be decoded goes to
 * its topic's DLQ and the rest of the batch proceeds. When ClickHouse is unreachable the batch is
 * retried with backoff, without committing offsets, so nothing is lost; re-inserted rows collapse
 * because the tables replace by key.
 */
@ApplicationScoped
public class Ingestion {

    private static final Logger LOG = Logger.getLogger(Ingestion.class);

    private final ClickHouseStore store;
    private final MutinyEmitter<byte[]> deadLetters;
    private final MeterRegistry registry;

    public Ingestion(
            ClickHouseStore store, @Channel("dead-letters") MutinyEmitter<byte[]> deadLetters, MeterRegistry registry) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @Incoming("usage")
    @Blocking(ordered = true)
    public void usage(List<byte[]> records) {
        ingest(Topics.USAGE, "generations", records, bytes -> {
            CloudEvent<UsageV1> event = EventCodec.decode(bytes, UsageV1.TYPE, UsageV1.class);
            return Rows.generation(event.id(), event.data());
        });
    }

    @Incoming("charges")
    @Blocking(ordered = true)
    public void charges(List<byte[]> records) {
        ingest(
                Topics.CHARGES,
                "charges",
                records,
                bytes -> Rows.charge(
                        EventCodec.decode(bytes, ChargeV1.TYPE, ChargeV1.class).data()));
    }

    @Incoming("provider-health")
    @Blocking(ordered = true)
    public void health(List<byte[]> records) {
        ingest(Topics.PROVIDER_HEALTH, "provider_health", records, bytes -> {
            CloudEvent<ProviderHealthV1> event =
                    EventCodec.decode(bytes, ProviderHealthV1.TYPE, ProviderHealthV1.class);
            return Rows.health(event.id(), event.data());
        });
    }

    private void ingest(String topic, String table, List<byte[]> records, Function<byte[], ObjectNode> decode) {
        List<ObjectNode> rows = new ArrayList<>(records.size());
        for (byte[] record : records) {
            try {
                rows.add(decode.apply(record));
            } catch (RuntimeException e) {
                LOG.warnf("malformed record on %s sent to %s: %s", topic, Topics.deadLetter(topic), e.getMessage());
                deadLetters.sendMessageAndAwait(Message.of(record == null ? new byte[0] : record)
                        .addMetadata(OutgoingKafkaRecordMetadata.builder()
                                .withTopic(Topics.deadLetter(topic))
                                .build()));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        byte[] body = Rows.jsonEachRow(rows, Function.identity());
        long backoff = 200;
        while (true) {
            try {
                store.insertJsonRows(table, body);
                registry.counter("switchboard.analytics.rows", "table", table).increment(rows.size());
                return;
            } catch (RuntimeException e) {
                registry.counter("switchboard.analytics.insert.failures", "table", table)
                        .increment();
                LOG.warnf(
                        "insert of %d rows into %s failed (%s); retrying in %d ms",
                        rows.size(), table, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while retrying an insert", ie);
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }
}
