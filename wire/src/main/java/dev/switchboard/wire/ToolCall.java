package dev.switchboard.wire;

/** A complete call of a tool by the model; {@code arguments} is the JSON text the model wrote. */
public record ToolCall(String id, String name, String arguments) {
}
