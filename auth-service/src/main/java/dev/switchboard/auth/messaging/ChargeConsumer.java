package dev.switchboard.auth.messaging;

import dev.switchboard.auth.service.CreditService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Settles credit holds from {@code switchboard.charges.v1}, a poll at a time: one transaction per
 * batch ({@link CreditService#settleAll}). Settlement is idempotent by charge id, so redelivery is
 * harmless. A record that cannot be decoded goes to the DLQ alone, with the reason in a header; a
 * database failure is retried with backoff before the batch is parked there.
 */
@ApplicationScoped
public class ChargeConsumer {

    private static final Logger LOG = Logger.getLogger(ChargeConsumer.class);

    private final CreditService credit;
    private final MutinyEmitter<byte[]> deadLetters;
    private final Counter applied;
    private final Counter duplicates;

    public ChargeConsumer(
            CreditService credit,
            @Channel("charge-dead-letters") MutinyEmitter<byte[]> deadLetters,
            MeterRegistry registry) {
        this.credit = credit;
        this.deadLetters = deadLetters;
        this.applied = registry.counter("switchboard.auth.charges", "result", "applied");
        this.duplicates = registry.counter("switchboard.auth.charges", "result", "duplicate");
    }

    @Incoming("charges")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<ChargeV1> charges = new ArrayList<>(records.count());
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
                charges.add(charge);
            } catch (RuntimeException e) {
                LOG.warnf("malformed charge record sent to %s: %s", Topics.deadLetter(Topics.CHARGES), e.getMessage());
                parked.add(deadLetters.sendMessage(Message.of(record.value() == null ? new byte[0] : record.value())
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withTopic(Topics.deadLetter(Topics.CHARGES))
                                .withKey(record.key())
                                .withHeaders(DeadLetters.headers(e.getMessage()))
                                .build())));
            }
        }
        Uni<Void> dlq = parked.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(parked).andFailFast().replaceWithVoid();
        if (charges.isEmpty()) {
            return dlq;
        }
        return dlq.chain(() -> credit.settleAll(charges)
                        .onFailure()
                        .retry()
                        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                        .atMost(8))
                .invoke(fresh -> {
                    applied.increment(fresh);
                    duplicates.increment(charges.size() - fresh);
                    LOG.debugf("%d charges settled (%d new)", charges.size(), fresh);
                })
                .replaceWithVoid();
    }
}
