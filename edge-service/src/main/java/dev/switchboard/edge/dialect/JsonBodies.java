package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.edge.service.EdgeException;

import java.io.IOException;
import java.util.Map;

/** Strict reading of request bodies, shared by every dialect: one JSON object, bounded depth, no duplicate keys. */
public final class JsonBodies {

    private final ObjectMapper mapper;

    public JsonBodies(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public JsonNode object(byte[] body) {
        JsonNode root;
        try (JsonParser parser = mapper.createParser(body)) {
            root = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw EdgeException.badRequest("Malformed JSON body: trailing content after the JSON object");
            }
        } catch (IOException e) {
            throw EdgeException.badRequest("Malformed JSON body: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw EdgeException.badRequest("Request body must be a JSON object");
        }
        return root;
    }

    public static EdgeException field(String path, String problem) {
        return new EdgeException(400, path + " " + problem, Map.of("field", path));
    }

    public static String requireString(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw field(path, node.isMissingNode() || node.isNull() ? "is required" : "must be a string");
        }
        return node.asText();
    }

    public static void requireArray(JsonNode node, String path) {
        if (!node.isArray()) {
            throw field(path, "must be an array");
        }
    }

    public static Integer positiveInt(JsonNode root, String name) {
        return intBetween(root, name, name, 1, Integer.MAX_VALUE);
    }

    /** An optional integer field of {@code root}, reported as {@code path} when out of {@code [min, max]}. */
    public static Integer intBetween(JsonNode root, String name, String path, int min, int max) {
        if (!root.hasNonNull(name)) {
            return null;
        }
        JsonNode node = root.get(name);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw field(
                    path,
                    min == 1 && max == Integer.MAX_VALUE
                            ? "must be a positive integer"
                            : "must be an integer from " + min + " to " + max);
        }
        return node.asInt();
    }

    public static Double number(JsonNode root, String name, double min, double max) {
        if (!root.hasNonNull(name)) {
            return null;
        }
        JsonNode node = root.get(name);
        if (!node.isNumber()) {
            throw field(name, "must be a number");
        }
        double value = node.asDouble();
        if (value < min || value > max) {
            throw field(name, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** An optional boolean: null when absent. */
    public static Boolean optionalBool(JsonNode root, String name, String path) {
        if (!root.hasNonNull(name)) {
            return null;
        }
        if (!root.get(name).isBoolean()) {
            throw field(path, "must be a boolean");
        }
        return root.get(name).asBoolean();
    }

    public static boolean bool(JsonNode root, String name) {
        if (!root.hasNonNull(name)) {
            return false;
        }
        if (!root.get(name).isBoolean()) {
            throw field(name, "must be a boolean");
        }
        return root.get(name).asBoolean();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
