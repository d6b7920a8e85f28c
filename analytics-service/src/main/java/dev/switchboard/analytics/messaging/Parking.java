package dev.switchboard.analytics.messaging;

import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** A record no insert will ever take, sent to its topic's DLQ with the reason (blocking until Kafka has it). */
@ApplicationScoped
public class Parking {

    private static final Logger LOG = Logger.getLogger(Parking.class);

    private final MutinyEmitter<byte[]> deadLetters;
    private final MeterRegistry registry;

    public Parking(@Channel("dead-letters") MutinyEmitter<byte[]> deadLetters, MeterRegistry registry) {
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    public void park(String topic, byte[] record, String reason) {
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
