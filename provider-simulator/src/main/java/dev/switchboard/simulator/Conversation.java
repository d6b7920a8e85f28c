package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A family-neutral reading of a chat request: all the {@link Planner} needs to decide between text,
 * tool calls and reasoning. Each family translates its own request shape into one.
 *
 * @param model             the model asked for
 * @param seed              seeds the answer (see {@link #seed})
 * @param promptTokens      the family's count of the request's prompt tokens
 * @param maxTokens         the request's output cap, {@link #NO_LIMIT} when it sets none
 * @param tools             the tools offered, in order
 * @param toolChoice        what the request says about using them
 * @param parallelToolCalls false when the request disables parallel tool calls
 * @param lastTurn          who spoke last
 * @param toolResult        text (or compact JSON) of the first tool result in the last turn, when it is one
 * @param reasoning         the request asks for visible reasoning
 */
public record Conversation(
        String model,
        long seed,
        int promptTokens,
        int maxTokens,
        List<Tool> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        Turn lastTurn,
        String toolResult,
        boolean reasoning) {

    public static final int NO_LIMIT = Integer.MAX_VALUE;

    public Conversation {
        tools = List.copyOf(tools);
    }

    /** @param parameters the tool's JSON schema (missing node when it declares none) */
    public record Tool(String name, JsonNode parameters) {}

    public record ToolChoice(Mode mode, String name) {
        public enum Mode {
            AUTO,
            NONE,
            REQUIRED,
            FORCED
        }

        public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
        public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
        public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

        public static ToolChoice forced(String name) {
            return new ToolChoice(Mode.FORCED, name);
        }
    }

    public enum Turn {
        USER,
        TOOL_RESULT,
        OTHER
    }

    /** FNV-1a over model, conversation and seed: the same request always gets the same answer. */
    public static long seed(String model, JsonNode conversation, String seed) {
        long hash = 0xcbf29ce484222325L;
        byte[] bytes = (model + conversation.toString() + seed).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            hash = (hash ^ b) * 0x100000001b3L;
        }
        return hash;
    }
}
