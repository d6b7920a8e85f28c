package dev.switchboard.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ToolCall;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON and content helpers every adapter needs; no family knowledge. */
public final class Payloads {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {}

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode request", e);
        }
    }

    /** A stream frame's JSON object. */
    public static JsonNode frame(String data) {
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            throw UpstreamFailure.malformed("event is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw UpstreamFailure.malformed("event is not a JSON object");
        }
        return node;
    }

    /** Whether a frame's bytes are {@code marker} (ASCII), whitespace around it aside: e.g. {@code [DONE]}. */
    public static boolean isMarker(String marker, byte[] data, int offset, int length) {
        int from = offset;
        int to = offset + length;
        while (from < to && data[from] <= ' ') {
            from++;
        }
        while (to > from && data[to - 1] <= ' ') {
            to--;
        }
        if (to - from != marker.length()) {
            return false;
        }
        for (int i = 0; i < marker.length(); i++) {
            if (data[from + i] != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A response body's JSON object, or null when it is not one (error bodies may be HTML). */
    public static JsonNode tryParse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The text when it is non-empty, else null. */
    public static String text(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** The node's text when it is non-empty text, else null. */
    public static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    public static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * A tool call's arguments as the JSON object the providers that take structured input need.
     *
     * @throws UpstreamFailure (bad request) when the arguments are not a JSON object
     */
    public static ObjectNode arguments(ToolCall call) {
        String text = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.isObject()) {
                return (ObjectNode) node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw UpstreamFailure.badRequest("arguments of tool call " + call.id() + " are not a JSON object");
    }

    /** A tool result's content as a JSON value: the parsed object when the text is one, else the text. */
    public static JsonNode toolResult(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // plain text
        }
        return JSON.getNodeFactory().textNode(text);
    }

    /** The name of the function each tool call id refers to, from the assistant turns of a conversation. */
    public static Map<String, String> toolNames(List<ChatMessage> messages) {
        Map<String, String> names = new HashMap<>();
        for (ChatMessage message : messages) {
            for (ToolCall call : message.toolCalls()) {
                names.put(call.id(), call.name());
            }
        }
        return names;
    }

    /** A {@code data:} URL split into media type and base64 payload; null for any other URL. */
    public static DataUrl dataUrl(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        int base64 = url.lastIndexOf(";base64", comma);
        if (comma < 0 || base64 < 0) {
            return null;
        }
        String mediaType = url.substring(5, base64);
        return new DataUrl(mediaType.isEmpty() ? "application/octet-stream" : mediaType, url.substring(comma + 1));
    }

    /** Base64 data as a {@code data:} URL, or the URL itself when it already is one. */
    public static String asDataUrl(String data, String mediaType) {
        return data.startsWith("data:")
                ? data
                : "data:" + (mediaType == null ? "application/octet-stream" : mediaType) + ";base64," + data;
    }

    public record DataUrl(String mediaType, String base64) {}

    /**
     * A JSON array of numbers as floats.
     *
     * @throws UpstreamFailure when an element is not a number
     */
    public static float[] floats(JsonNode vector) {
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = vector.get(i);
            if (!x.isNumber()) {
                throw UpstreamFailure.malformed("embedding holds a non-number");
            }
            v[i] = (float) x.asDouble();
        }
        return v;
    }
}
