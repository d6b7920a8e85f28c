package dev.switchboard.wire;

/**
 * A fragment of a tool call while it streams: the first fragment of call {@code index} carries
 * {@code id} and {@code name}; later ones append to {@code arguments}.
 */
public record ToolCallDelta(int index, String id, String name, String arguments) {
}
