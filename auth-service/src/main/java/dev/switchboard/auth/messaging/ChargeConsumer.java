package dev.switchboard.auth.messaging;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.service.CreditService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.internal.StoreWrites;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Settles credit holds from {@code switchboard.charges.v1}, a poll at a time: one transaction per
 * batch ({@link CreditService#settleAll}). Settlement is idempotent by charge id, so redelivery is
 * harmless. A record that cannot be decoded, or that the database refuses as data, goes to the DLQ
 * alone, with the reason in a header ({@code make replay-dlq TOPIC=switchboard.charges.v1}
 * re-drives it); a database that is down pauses consumption until it is back, and parks nothing.
 */
@ApplicationScoped
public class ChargeConsumer {

    private static final Logger LOG = Logger.getLogger(ChargeConsumer.class);

    private final CreditService credit;
    private final MutinyEmitter<byte[]> deadLetters;
    private final StoreWrites writes;
    private final Counter applied;
    private final Counter duplicates;

    /** A charge record that decoded: the charge, and where it came from. */
    private record Received(ConsumerRecord<String, byte[]> record, ChargeV1 charge) {}

    public ChargeConsumer(
            CreditService credit,
            @Channel("charge-dead-letters") MutinyEmitter<byte[]> deadLetters,
            AuthConfig config,
            MeterRegistry registry) {
        this.credit = credit;
        this.deadLetters = deadLetters;
        Counter retries = registry.counter("switchboard.auth.store.retries");
        this.writes = new StoreWrites(
                LOG,
                "credit ledger",
                config.storeRetry().initialBackoff(),
                config.storeRetry().maxBackoff(),
                retries::increment);
        this.applied = registry.counter("switchboard.auth.charges", "result", "applied");
        this.duplicates = registry.counter("switchboard.auth.charges", "result", "duplicate");
    }

    @Incoming("charges")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Received> received = new ArrayList<>(records.count());
        List<Uni<Void>> parked = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                ChargeV1 charge = EventCodec.decode(record.value(), ChargeV1.TYPE, ChargeV1.class)
                        .data();
                if (charge.chargeId() == null || charge.accountId() == null) {
                    throw new IllegalArgumentException("charge without id or account");
                }
                UUID.fromString(charge.accountId());
                if (charge.keyId() != null) {
                    UUID.fromString(charge.keyId());
                }
                received.add(new Received(record, charge));
            } catch (RuntimeException e) {
                parked.add(park(record, e.getMessage()));
            }
        }
        Uni<Void> dlq = parked.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(parked).andFailFast().replaceWithVoid();
        return received.isEmpty() ? dlq : dlq.chain(() -> settle(received));
    }

    /** Settles the batch ({@link StoreWrites}: an outage waits, a refused charge is parked alone). */
    private Uni<Void> settle(List<Received> batch) {
        return writes.write(
                batch,
                received -> credit.settleAll(
                                received.stream().map(Received::charge).toList())
                        .map(fresh -> new int[] {received.size(), fresh}),
                counts -> {
                    applied.increment(counts[1]);
                    duplicates.increment(counts[0] - counts[1]);
                    LOG.debugf("%d charges settled (%d new)", counts[0], counts[1]);
                },
                (received, reason) -> park(received.record(), reason));
    }

    private Uni<Void> park(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("charge record sent to %s: %s", Topics.deadLetter(Topics.CHARGES), reason);
        return deadLetters.sendMessage(Message.of(record.value() == null ? new byte[0] : record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(Topics.deadLetter(Topics.CHARGES))
                        .withKey(record.key())
                        .withHeaders(DeadLetters.headers(reason))
                        .build()));
    }
}
