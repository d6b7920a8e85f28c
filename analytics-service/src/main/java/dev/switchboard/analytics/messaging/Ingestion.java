package dev.switchboard.analytics.messaging;

import com.clickhouse.client.api.ServerException;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.FreshRows;
import dev.switchboard.analytics.clickhouse.Migrations;
import dev.switchboard.analytics.clickhouse.RefusedData;
import dev.switchboard.analytics.clickhouse.Row;
import dev.switchboard.analytics.clickhouse.Rows;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.DeadLetters;
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
 * Kafka → ClickHouse, in batches (one insert per poll). A record that cannot be decoded, or whose
 * row ClickHouse refuses (a value a column cannot hold), goes to its topic's DLQ with the reason
 * and the rest of the batch proceeds. When ClickHouse is unreachable the batch is
 * retried with backoff, without committing offsets, so nothing is lost; rows already stored are
 * left out of every insert ({@link FreshRows}), so the rollups fed by materialized views count each
 * generation and charge once.
 */
@ApplicationScoped
public class Ingestion {

    private static final Logger LOG = Logger.getLogger(Ingestion.class);

    private final ClickHouseStore store;
    private final Migrations migrations;
    private final FreshRows freshRows;
    private final MutinyEmitter<byte[]> deadLetters;
    private final MeterRegistry registry;

    public Ingestion(
            ClickHouseStore store,
            Migrations migrations,
            FreshRows freshRows,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetters,
            MeterRegistry registry) {
        this.store = store;
        this.migrations = migrations;
        this.freshRows = freshRows;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @Incoming("usage")
    @Blocking(ordered = true)
    public void usage(List<byte[]> records) {
        ingest(Topics.USAGE, FreshRows.Identity.GENERATIONS, records, bytes -> {
            CloudEvent<UsageV1> event = EventCodec.decode(bytes, UsageV1.TYPE, UsageV1.class);
            UsageV1 usage = event.data();
            return new Row(
                    usage.generationId(),
                    !Rows.IN_PROGRESS.equals(usage.status()),
                    Rows.millis(usage.completedAt()),
                    Rows.generation(event.id(), usage));
        });
    }

    @Incoming("charges")
    @Blocking(ordered = true)
    public void charges(List<byte[]> records) {
        ingest(Topics.CHARGES, FreshRows.Identity.CHARGES, records, bytes -> {
            ChargeV1 charge =
                    EventCodec.decode(bytes, ChargeV1.TYPE, ChargeV1.class).data();
            return new Row(charge.chargeId(), true, Rows.millis(charge.pricedAt()), Rows.charge(charge));
        });
    }

    @Incoming("provider-health")
    @Blocking(ordered = true)
    public void health(List<byte[]> records) {
        ingest(Topics.PROVIDER_HEALTH, new FreshRows.Identity("provider_health", null, "", null), records, bytes -> {
            CloudEvent<ProviderHealthV1> event =
                    EventCodec.decode(bytes, ProviderHealthV1.TYPE, ProviderHealthV1.class);
            return Row.plain(Rows.health(event.id(), event.data()));
        });
    }

    private void ingest(String topic, FreshRows.Identity identity, List<byte[]> records, Function<byte[], Row> decode) {
        migrations.awaitApplied();
        String table = identity.table();
        List<Row> rows = new ArrayList<>(records.size());
        for (byte[] record : records) {
            try {
                rows.add(decode.apply(record).from(record));
            } catch (RuntimeException e) {
                park(topic, record, "malformed: " + e.getMessage());
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        long backoff = 200;
        while (true) {
            try {
                // looked up again on every try: an insert whose answer was lost may have landed
                List<Row> fresh = identity.idColumn() == null ? rows : freshRows.of(identity, rows);
                int stored = insert(topic, table, fresh);
                registry.counter("switchboard.analytics.rows", "table", table).increment(stored);
                registry.counter("switchboard.analytics.rows.duplicate", "table", table)
                        .increment(rows.size() - fresh.size());
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

    /**
     * Inserts {@code rows}; when ClickHouse refuses a value, halves the batch until the refused
     * rows are found, parks them on the DLQ with the server's reason and stores the rest. A failure
     * that is not about the data (ClickHouse down) propagates, for the caller to retry.
     *
     * @return the rows stored
     */
    private int insert(String topic, String table, List<Row> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            store.insertJsonRows(table, Rows.jsonEachRow(rows, Row::json));
            return rows.size();
        } catch (ServerException e) {
            if (!RefusedData.is(e)) {
                throw e;
            }
            if (rows.size() == 1) {
                park(topic, rows.getFirst().record(), "refused by ClickHouse: " + RefusedData.reason(e));
                return 0;
            }
            int half = rows.size() / 2;
            return insert(topic, table, rows.subList(0, half)) + insert(topic, table, rows.subList(half, rows.size()));
        }
    }

    private void park(String topic, byte[] record, String reason) {
        String dlq = Topics.deadLetter(topic);
        LOG.warnf("record on %s sent to %s: %s", topic, dlq, reason);
        registry.counter("switchboard.analytics.dead.letters", "topic", topic).increment();
        deadLetters.sendMessageAndAwait(Message.of(record == null ? new byte[0] : record)
                .addMetadata(OutgoingKafkaRecordMetadata.builder()
                        .withTopic(dlq)
                        .withHeaders(DeadLetters.headers(reason))
                        .build()));
    }
}
