package dev.switchboard.billing.messaging;

import dev.switchboard.billing.service.BillingService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.UsageV1;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code switchboard.usage.v1} → ledger → {@code switchboard.charges.v1}. A usage record is
 * acknowledged only after its charge is acknowledged by Kafka, so a crash in between replays it;
 * the ledger makes the replay harmless and the charge id lets auth ignore the repeat.
 */
@ApplicationScoped
public class UsageConsumer {

    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);
    static final String SOURCE = "/switchboard/billing-service";

    private final BillingService billing;
    private final MutinyEmitter<byte[]> charges;
    private final Counter priced;

    public UsageConsumer(BillingService billing, @Channel("charges-out") MutinyEmitter<byte[]> charges, MeterRegistry registry) {
        this.billing = billing;
        this.charges = charges;
        this.priced = registry.counter("switchboard.billing.usage.priced");
    }

    @Incoming("usage")
    public Uni<Void> consume(byte[] record) {
        return Uni.createFrom().item(() -> EventCodec.decode(record, UsageV1.TYPE, UsageV1.class))
                .map(CloudEvent::data)
                .chain(usage -> billing.record(usage)
                        .onFailure(e -> !(e instanceof IllegalArgumentException))
                        .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8))
                .chain(this::emit)
                .invoke(() -> priced.increment());
    }

    private Uni<Void> emit(ChargeV1 charge) {
        CloudEvent<ChargeV1> event = CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), SOURCE, charge.accountId(), Instant.now(), charge);
        Message<byte[]> message = Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(charge.accountId()).build());
        LOG.debugf("charge %s: %d nano-USD", charge.chargeId(), charge.costNanos());
        return charges.sendMessage(message);
    }
}
