package dev.switchboard.billing.messaging;

import dev.switchboard.billing.config.BillingConfig;
import dev.switchboard.billing.repository.ChargeOutbox;
import dev.switchboard.billing.repository.LedgerEntry;
import dev.switchboard.billing.service.BillingService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.internal.StoreWrites;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code switchboard.usage.v1} → ledger and charge outbox, a poll at a time: the batch's ledger
 * entries and their charges are written in one transaction, and the {@link ChargeRelay} publishes
 * the charges to {@code switchboard.charges.v1}. The batch is acknowledged once that transaction
 * committed, so a crash before it replays the batch (the ledger makes the replay harmless) and a
 * crash after it leaves the charges in the outbox for the relay.
 *
 * <p>A database that is down or unreachable pauses consumption: the write is retried with backoff
 * until it succeeds, however long the outage, and nothing goes to the DLQ for it. The DLQ is for
 * records that can never be processed: undecodable or invalid ones, ones that cannot be priced, and
 * ones the database refuses as data (a constraint or a value it rejects), each alone with the reason
 * in a header while the rest of its batch proceeds. {@code make replay-dlq TOPIC=switchboard.usage.v1}
 * re-drives them once the cause is fixed.
 */
@ApplicationScoped
public class UsageConsumer {

    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);

    private final BillingService billing;
    private final ChargeRelay relay;
    private final MutinyEmitter<byte[]> deadLetters;
    private final StoreWrites writes;
    private final Counter priced;

    /** A usage record that decoded and priced: its ledger entry, and where it came from. */
    private record Received(ConsumerRecord<String, byte[]> record, LedgerEntry entry) {}

    public UsageConsumer(
            BillingService billing,
            ChargeRelay relay,
            @Channel("usage-dead-letters") MutinyEmitter<byte[]> deadLetters,
            BillingConfig config,
            MeterRegistry registry) {
        this.billing = billing;
        this.relay = relay;
        this.deadLetters = deadLetters;
        Counter retries = registry.counter("switchboard.billing.store.retries");
        this.writes = new StoreWrites(
                LOG,
                "ledger",
                config.storeRetry().initialBackoff(),
                config.storeRetry().maxBackoff(),
                retries::increment);
        this.priced = registry.counter("switchboard.billing.usage.priced");
    }

    @Incoming("usage")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Received> received = new ArrayList<>(records.count());
        List<Uni<Void>> parked = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> consumed : records) {
            try {
                UsageV1 usage = EventCodec.decode(consumed.value(), UsageV1.TYPE, UsageV1.class)
                        .data();
                if (usage.accountId() == null || usage.keyId() == null || usage.generationId() == null) {
                    throw new IllegalArgumentException("usage event without account, key or generation id");
                }
                UUID.fromString(usage.accountId());
                UUID.fromString(usage.keyId());
                received.add(new Received(consumed, billing.price(usage)));
            } catch (RuntimeException e) {
                parked.add(park(consumed, e.getMessage()));
            }
        }
        Uni<Void> dlq = parked.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(parked).andFailFast().replaceWithVoid();
        return received.isEmpty() ? dlq : dlq.chain(() -> write(received));
    }

    /** Writes the batch and its charges ({@link StoreWrites}: an outage waits, a refused record is parked alone). */
    private Uni<Void> write(List<Received> batch) {
        return writes.write(
                batch,
                this::record,
                charges -> {
                    priced.increment(charges.size());
                    relay.nudge();
                },
                (received, reason) -> park(received.record(), reason));
    }

    private Uni<List<ChargeV1>> record(List<Received> batch) {
        List<LedgerEntry> entries = new ArrayList<>(batch.size());
        Map<String, ChargeOutbox.Trace> traces = new HashMap<>();
        for (Received r : batch) {
            entries.add(r.entry());
            // a batch has no one trace: each charge continues the trace of the usage record it prices
            traces.put(
                    ChargeV1.chargeId(r.entry().id.generationId, r.entry().id.sequence),
                    new ChargeOutbox.Trace(header(r.record(), "traceparent"), header(r.record(), "tracestate")));
        }
        return billing.record(entries, traces);
    }

    private Uni<Void> park(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("usage record sent to %s: %s", Topics.deadLetter(Topics.USAGE), reason);
        return deadLetters.sendMessage(Message.of(record.value() == null ? new byte[0] : record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(Topics.deadLetter(Topics.USAGE))
                        .withKey(record.key())
                        .withHeaders(DeadLetters.headers(reason))
                        .build()));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
