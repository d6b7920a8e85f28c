package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The simulator's one JSON mapper and the few tree helpers every family needs. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The parsed text, or a missing node when it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            return MAPPER.missingNode();
        }
    }

    /**
     * Compact JSON with object keys sorted at every level: what the simulator signs, so a caller
     * that re-serialises arguments in another key order still presents a valid signature.
     */
    public static String canonical(JsonNode node) {
        return sorted(node).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode out = object();
            names.forEach(name -> out.set(name, sorted(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = array();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }

    /** Text of a message's content: a string as is, text parts joined, anything else as compact JSON. */
    public static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder out = new StringBuilder();
            content.forEach(part -> {
                if (part.path("text").isTextual()) {
                    out.append(part.path("text").asText());
                }
            });
            if (!out.isEmpty()) {
                return out.toString();
            }
        }
        return content.isMissingNode() || content.isNull() ? "" : content.toString();
    }
}
