package dev.switchboard.prober.messaging;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.prober.probe.ProbeResult;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes provider state transitions to {@code switchboard.provider-health.v1}, keyed by provider. */
@ApplicationScoped
public class HealthEvents {

    private static final Logger LOG = Logger.getLogger(HealthEvents.class);
    static final String SOURCE = "/switchboard/health-prober";

    private final MutinyEmitter<byte[]> emitter;

    public HealthEvents(@Channel("provider-health") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    public void transition(ProbeResult result, String previousState, String source) {
        ProviderHealthV1 data = new ProviderHealthV1(
                result.provider(),
                result.state(),
                previousState,
                result.latencyMs(),
                result.error(),
                source,
                result.checkedAt());
        CloudEvent<ProviderHealthV1> event = CloudEvent.of(
                ProviderHealthV1.TYPE,
                result.provider() + ":" + result.checkedAt(),
                SOURCE,
                result.provider(),
                result.checkedAt(),
                data);
        emitter.sendMessage(Message.of(EventCodec.encode(event))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(result.provider())
                                .build()))
                .subscribe()
                .with(
                        ok -> {},
                        e -> LOG.warnf("health event for %s not published: %s", result.provider(), e.getMessage()));
    }
}
