package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writing JSON answers and server-sent events, shared by the dialects and the edge's other routes. */
public final class JsonOut {

    /** Costs are exact decimals: written as plain JSON numbers (0.0000306, not 3.06E-5). */
    public static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private JsonOut() {}

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(ObjectNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code data:} event (OpenAI's streams). */
    public static byte[] data(ObjectNode node) {
        return ("data: " + write(node) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A named event: {@code event:} then {@code data:} (Anthropic's streams). */
    public static byte[] event(String name, ObjectNode node) {
        return ("event: " + name + "\ndata: " + write(node) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's end of stream. */
    public static byte[] done() {
        return DONE.clone();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
