package dev.switchboard.analytics.messaging;

import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.FreshRows;
import dev.switchboard.analytics.clickhouse.Migrations;
import dev.switchboard.analytics.clickhouse.Row;
import dev.switchboard.analytics.clickhouse.Rows;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Kafka → ClickHouse, in batches (one insert per poll). A record that cannot be decoded, or whose
 * row ClickHouse refuses (a value a column cannot hold), goes to its topic's DLQ with the reason
 * and the rest of the batch proceeds. Each topic's rows are stored by its own {@link TableWriter},
 * while the next poll is decoded here; a batch is acknowledged (its offsets committed) once it is
 * stored, so nothing is lost when ClickHouse is unreachable or the pod stops, and rows already stored
 * are left out of every insert ({@link FreshRows}), so the rollups fed by materialized views count
 * each generation and charge once.
 */
@ApplicationScoped
public class Ingestion {

    private static final FreshRows.Identity HEALTH = new FreshRows.Identity("provider_health", null, "", null);

    private final Migrations migrations;
    private final Parking parking;
    private final Map<String, TableWriter> writers = new ConcurrentHashMap<>();
    private final ClickHouseStore store;
    private final FreshRows freshRows;
    private final MeterRegistry registry;

    public Ingestion(
            ClickHouseStore store,
            Migrations migrations,
            FreshRows freshRows,
            Parking parking,
            MeterRegistry registry) {
        this.store = store;
        this.migrations = migrations;
        this.freshRows = freshRows;
        this.parking = parking;
        this.registry = registry;
    }

    @Incoming("usage")
    @Blocking(ordered = true)
    public CompletionStage<Void> usage(Message<List<byte[]>> batch) throws InterruptedException {
        return ingest(Topics.USAGE, FreshRows.Identity.GENERATIONS, batch, bytes -> {
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
    public CompletionStage<Void> charges(Message<List<byte[]>> batch) throws InterruptedException {
        return ingest(Topics.CHARGES, FreshRows.Identity.CHARGES, batch, bytes -> {
            ChargeV1 charge =
                    EventCodec.decode(bytes, ChargeV1.TYPE, ChargeV1.class).data();
            return new Row(charge.chargeId(), true, Rows.millis(charge.pricedAt()), Rows.charge(charge));
        });
    }

    @Incoming("provider-health")
    @Blocking(ordered = true)
    public CompletionStage<Void> health(Message<List<byte[]>> batch) throws InterruptedException {
        return ingest(Topics.PROVIDER_HEALTH, HEALTH, batch, bytes -> {
            CloudEvent<ProviderHealthV1> event =
                    EventCodec.decode(bytes, ProviderHealthV1.TYPE, ProviderHealthV1.class);
            return Row.plain(Rows.health(event.id(), event.data()));
        });
    }

    @PreDestroy
    void stop() {
        writers.values().forEach(TableWriter::stop);
    }

    /**
     * Decodes the batch here and hands its rows to the topic's writer; returns at once (the next
     * poll is decoded while this one is stored) unless two batches are already in the writer's hands.
     */
    private CompletionStage<Void> ingest(
            String topic, FreshRows.Identity identity, Message<List<byte[]>> batch, Function<byte[], Row> decode)
            throws InterruptedException {
        migrations.awaitApplied();
        List<byte[]> records = batch.getPayload();
        List<Row> rows = new ArrayList<>(records.size());
        for (byte[] record : records) {
            try {
                rows.add(decode.apply(record).from(record));
            } catch (RuntimeException e) {
                parking.park(topic, record, "malformed: " + e.getMessage());
            }
        }
        if (rows.isEmpty()) {
            return batch.ack();
        }
        TableWriter writer =
                writers.computeIfAbsent(topic, t -> new TableWriter(t, identity, store, freshRows, parking, registry));
        writer.write(rows, batch::ack);
        return CompletableFuture.completedFuture(null);
    }
}
