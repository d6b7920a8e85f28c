package dev.switchboard.wire;

/**
 * A fragment of a tool call while it streams: the first fragment of call {@code index} carries
 * {@code id} and {@code name}; later ones append to {@code arguments}. {@code signature}, when the
 * provider signs the call (Gemini), arrives once on any fragment.
 */
public record ToolCallDelta(int index, String id, String name, String arguments, String signature) {

    public ToolCallDelta(int index, String id, String name, String arguments) {
        this(index, id, name, arguments, null);
    }
}
