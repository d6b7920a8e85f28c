package dev.switchboard.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape the answer must take. {@code schema} (a JSON Schema object), {@code name} and
 * {@code strict} belong to {@link Type#JSON_SCHEMA}.
 */
public record ResponseFormat(Type type, String name, String description, JsonNode schema, Boolean strict) {

    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null, null, null);

    public ResponseFormat {
        schema = schema == null || schema.isNull() ? null : schema;
        if (type == Type.JSON_SCHEMA && (schema == null || !schema.isObject())) {
            throw new IllegalArgumentException("a json_schema response format needs a schema object");
        }
    }

    public enum Type {
        TEXT,
        JSON_OBJECT,
        JSON_SCHEMA
    }
}
