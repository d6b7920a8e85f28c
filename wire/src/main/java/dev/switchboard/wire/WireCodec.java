package dev.switchboard.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON codec of the edge-router contract. Unknown fields are ignored so that either side can
 * be upgraded first; nulls are left out to keep lines short.
 */
public final class WireCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private WireCodec() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** One event as a line of NDJSON, newline included. */
    public static byte[] encodeLine(RouteEvent event) {
        byte[] json = encode(event);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    public static RouteEvent decodeEvent(byte[] json) {
        return decode(json, RouteEvent.class);
    }

    public static RouteRequest decodeRouteRequest(byte[] json) {
        return decode(json, RouteRequest.class);
    }

    private static <T> T decode(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("malformed " + type.getSimpleName(), e);
        }
    }
}
