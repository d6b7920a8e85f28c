package dev.switchboard.edge.messaging;

import dev.switchboard.edge.service.KeyCache;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.KeyEventV1;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Drops a key from this replica's cache as soon as auth-service publishes a change to it. Every
 * replica reads every event (a consumer group of its own, from the latest offset).
 */
@ApplicationScoped
public class KeyEventsConsumer {

    private static final Logger LOG = Logger.getLogger(KeyEventsConsumer.class);

    private final KeyCache cache;

    public KeyEventsConsumer(KeyCache cache) {
        this.cache = cache;
    }

    @Incoming("key-events")
    public void onKeyEvent(byte[] record) {
        try {
            KeyEventV1 event =
                    EventCodec.decode(record, KeyEventV1.TYPE, KeyEventV1.class).data();
            cache.invalidateKey(event.keyId());
        } catch (EventCodec.MalformedEventException e) {
            LOG.warnf("malformed key event ignored: %s", e.getMessage());
        }
    }
}
