package dev.switchboard.auth.messaging;

import dev.switchboard.auth.service.CreditService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Settles credit holds from {@code switchboard.charges.v1}. Settlement is idempotent by charge id,
 * so redelivery is harmless. A malformed record fails at once and goes to the DLQ; a database
 * failure is retried with backoff before the record is parked there.
 */
@ApplicationScoped
public class ChargeConsumer {

    private static final Logger LOG = Logger.getLogger(ChargeConsumer.class);

    private final CreditService credit;
    private final Counter applied;
    private final Counter duplicates;

    public ChargeConsumer(CreditService credit, MeterRegistry registry) {
        this.credit = credit;
        this.applied = registry.counter("switchboard.auth.charges", "result", "applied");
        this.duplicates = registry.counter("switchboard.auth.charges", "result", "duplicate");
    }

    @Incoming("charges")
    public Uni<Void> consume(byte[] record) {
        return Uni.createFrom().item(() -> EventCodec.decode(record, ChargeV1.TYPE, ChargeV1.class))
                .map(CloudEvent::data)
                .chain(charge -> credit.settle(charge)
                        .onFailure(e -> !(e instanceof IllegalArgumentException))
                        .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                        .invoke(fresh -> {
                            (fresh ? applied : duplicates).increment();
                            LOG.debugf("charge %s settled (new=%s)", charge.chargeId(), fresh);
                        }))
                .replaceWithVoid();
    }
}
