package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

import java.util.LinkedHashMap;
import java.util.Map;

/** A whole (non-streamed) HTTP response: status, headers, body. */
public record Reply(int status, Map<String, String> headers, Buffer body) {

    public Reply {
        headers = Map.copyOf(headers);
    }

    public static Reply json(int status, JsonNode body) {
        return new Reply(status, Map.of("Content-Type", "application/json"), Buffer.buffer(body.toString()));
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put(name, value);
        return new Reply(status, out, body);
    }
}
