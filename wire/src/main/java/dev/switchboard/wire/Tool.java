package dev.switchboard.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** A function the model may call; {@code parameters} is a JSON Schema object. */
public record Tool(String name, String description, JsonNode parameters) {

    public Tool {
        parameters = parameters == null || parameters.isNull() ? null : parameters;
    }
}
