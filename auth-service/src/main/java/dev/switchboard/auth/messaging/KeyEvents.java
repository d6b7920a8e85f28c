package dev.switchboard.auth.messaging;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.KeyEventV1;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/**
 * Publishes key changes to {@code switchboard.key-events.v1} so every edge replica drops its cached
 * copy at once. Best effort by design: the edges' periodic consistency check catches a lost event.
 */
@ApplicationScoped
public class KeyEvents {

    private static final Logger LOG = Logger.getLogger(KeyEvents.class);
    static final String SOURCE = "/switchboard/auth-service";

    private final MutinyEmitter<byte[]> emitter;

    public KeyEvents(@Channel("key-events-out") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** @param action {@code created}, {@code updated} or {@code revoked} */
    public void publish(UUID keyId, UUID accountId, String action) {
        Instant now = Instant.now();
        KeyEventV1 data = new KeyEventV1(keyId.toString(), accountId.toString(), action, now);
        CloudEvent<KeyEventV1> event = CloudEvent.of(
                KeyEventV1.TYPE, keyId + ":" + action + ":" + now.toEpochMilli(), SOURCE, keyId.toString(), now, data);
        emitter.sendMessage(Message.of(EventCodec.encode(event))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(keyId.toString())
                                .build()))
                .subscribe()
                .with(ok -> {}, e -> LOG.warnf("key event %s for %s not published: %s", action, keyId, e.getMessage()));
    }
}
