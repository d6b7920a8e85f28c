package dev.switchboard.wire;

/**
 * A complete call of a tool by the model; {@code arguments} is the JSON text the model wrote.
 * {@code signature} is the provider's opaque reasoning signature for this call (Gemini's
 * {@code thoughtSignature}); it must go back with the call in the next turn.
 */
public record ToolCall(String id, String name, String arguments, String signature) {

    public ToolCall(String id, String name, String arguments) {
        this(id, name, arguments, null);
    }
}
