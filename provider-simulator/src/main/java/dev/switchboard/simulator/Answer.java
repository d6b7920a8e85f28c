package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What the simulated model says, before any family frames it: reasoning pieces, then either text
 * pieces or tool calls.
 */
public record Answer(
        List<String> reasoning, List<String> text, List<PlannedCall> toolCalls, Finish finish, int promptTokens) {

    public enum Finish {
        STOP,
        LENGTH,
        TOOL_CALLS
    }

    public Answer {
        reasoning = List.copyOf(reasoning);
        text = List.copyOf(text);
        toolCalls = List.copyOf(toolCalls);
    }

    /**
     * @param arguments compact JSON object
     * @param fragments {@code arguments} cut in pieces for streaming; they concatenate to it
     * @param idSeed    seeds the family's tool-call id, so ids are deterministic
     */
    public record PlannedCall(String name, String arguments, List<String> fragments, long idSeed) {

        public PlannedCall {
            fragments = List.copyOf(fragments);
        }

        public JsonNode argumentsJson() {
            return Json.parse(arguments);
        }
    }

    public String reasoningText() {
        return String.join("", reasoning);
    }

    public String textContent() {
        return String.join("", text);
    }

    public boolean callsTools() {
        return !toolCalls.isEmpty();
    }

    public int reasoningTokens() {
        return Tokens.count(reasoningText());
    }

    /** Output tokens other than reasoning: text and tool-call arguments. */
    public int visibleTokens() {
        int tokens = Tokens.count(textContent());
        for (PlannedCall call : toolCalls) {
            tokens += Tokens.count(call.arguments());
        }
        return tokens;
    }

    public int outputTokens() {
        return reasoningTokens() + visibleTokens();
    }
}
