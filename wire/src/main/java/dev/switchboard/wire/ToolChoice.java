package dev.switchboard.wire;

import java.util.Objects;

/**
 * Whether and which tool the model must call. {@code name} is set only for {@link Mode#TOOL}.
 * The absence of a choice ({@code null} in {@link ChatRequest}) means the provider's default, which
 * is {@code AUTO} whenever tools are offered.
 */
public record ToolChoice(Mode mode, String name) {

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.TOOL) != (name != null)) {
            throw new IllegalArgumentException("a tool name goes with mode TOOL and only with it");
        }
    }

    public static ToolChoice tool(String name) {
        return new ToolChoice(Mode.TOOL, name);
    }

    public enum Mode {
        /** The model decides. */
        AUTO,
        /** No tool call. */
        NONE,
        /** At least one tool call, any tool. */
        REQUIRED,
        /** A call of the named tool. */
        TOOL
    }
}
