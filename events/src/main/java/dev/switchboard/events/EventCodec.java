package dev.switchboard.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Instant;

/**
 * The one JSON mapping of events: snake_case fields, ISO-8601 times, unknown fields ignored
 * (adding a field is a minor change), nulls left out.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            // registered after JavaTimeModule, so it takes precedence for Instant
            .addModule(new SimpleModule("event-times").addDeserializer(Instant.class, new IsoInstants()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final ClassValue<JavaType> ENVELOPES = new ClassValue<>() {
        @Override
        protected JavaType computeValue(Class<?> dataType) {
            return MAPPER.getTypeFactory().constructParametricType(CloudEvent.class, dataType);
        }
    };

    private EventCodec() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(CloudEvent<?> event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode event " + event.id(), e);
        }
    }

    /**
     * Decodes an envelope and its data.
     *
     * @throws MalformedEventException when the bytes are not JSON, the type is not {@code expectedType},
     *                                 or a required attribute is missing
     */
    public static <T> CloudEvent<T> decode(byte[] bytes, String expectedType, Class<T> dataType) {
        if (bytes == null) {
            throw new MalformedEventException("empty record");
        }
        CloudEvent<T> event;
        try {
            // one pass straight into the records (a tree first, then converted, cost twice as much)
            event = MAPPER.readValue(bytes, ENVELOPES.get(dataType));
        } catch (IOException | IllegalArgumentException e) {
            checkEnvelope(bytes, expectedType);
            throw new MalformedEventException("malformed " + expectedType + " event: " + e.getMessage(), e);
        }
        if (event == null) {
            throw new MalformedEventException("not a JSON object");
        }
        if (!expectedType.equals(event.type())) {
            throw new MalformedEventException("expected type " + expectedType + " but got " + event.type());
        }
        if (!CloudEvent.SPEC_VERSION.equals(event.specversion())) {
            throw new MalformedEventException("unsupported specversion " + event.specversion());
        }
        return event;
    }

    /**
     * For a record whose data did not map: the envelope's own defect, when it has one, is the clearer
     * reason (another event type on the topic, not JSON, an unknown spec version).
     */
    private static void checkEnvelope(byte[] bytes, String expectedType) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new MalformedEventException("malformed " + expectedType + " event: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        String type = tree.path("type").asText(null);
        if (!expectedType.equals(type)) {
            throw new MalformedEventException("expected type " + expectedType + " but got " + type);
        }
        if (!CloudEvent.SPEC_VERSION.equals(tree.path("specversion").asText(null))) {
            throw new MalformedEventException("unsupported specversion " + tree.path("specversion"));
        }
    }

    /** Raised for records that no consumer could ever process; they belong in the dead-letter topic. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
