package dev.switchboard.events;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for every event topic. */
public final class CloudEventSerializer implements Serializer<CloudEvent<?>> {

    @Override
    public byte[] serialize(String topic, CloudEvent<?> event) {
        return event == null ? null : EventCodec.encode(event);
    }
}
