package dev.switchboard.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the golden example of a topic; services' tests use it to hold producers and consumers to the contract. */
public final class GoldenEvents {

    private GoldenEvents() {}

    public static byte[] bytes(String topic) {
        String resource = "/golden/" + topic + ".json";
        try (InputStream in = GoldenEvents.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden example " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> CloudEvent<T> read(String topic, Class<T> dataType) {
        return EventCodec.decode(bytes(topic), topic, dataType);
    }
}
