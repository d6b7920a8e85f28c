package dev.switchboard.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode.
 *
 * @param id      unique per event and stable across re-publication, so consumers can de-duplicate
 * @param subject the entity the event is about (generation id, account id, provider)
 */
public record CloudEvent<T>(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    public static <T> CloudEvent<T> of(String type, String id, String source, String subject, Instant time, T data) {
        return new CloudEvent<>(SPEC_VERSION, id, source, type, subject, time, CONTENT_TYPE, data);
    }
}
