package dev.switchboard.simulator.family;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.simulator.Signatures;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Anthropic's rule for extended thinking, which Bedrock applies to Claude too: in the current tool
 * loop, an assistant message that calls tools must start with the signed thinking block it was
 * answered with. It is what makes a router that drops or alters reasoning on the way back fail.
 */
final class ThinkingRoundTrip {

    /**
     * The first block of an assistant message (of the current tool loop) that calls tools.
     *
     * @param message index of the message in the request
     * @param type    in Anthropic's terms: thinking, redacted_thinking, tool_use, text
     */
    record FirstBlock(int message, String type, String thinking, String signature) {}

    private ThinkingRoundTrip() {}

    /**
     * What is wrong with the thinking blocks of the current tool loop: the messages after the last
     * user message that is not only tool results; in it, each assistant message with a tool call.
     *
     * @param toolResult whether a content block is a tool result, in the family's terms
     * @param toolCall   whether a content block is a tool call, in the family's terms
     * @param first      the first block of such a message, in Anthropic's terms
     */
    static Optional<String> problem(
            JsonNode messages,
            Signatures signatures,
            Predicate<JsonNode> toolResult,
            Predicate<JsonNode> toolCall,
            BiFunction<Integer, JsonNode, FirstBlock> first) {
        int start = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText().equals("user") && !all(m.path("content"), toolResult)) {
                start = i + 1;
            }
        }
        List<FirstBlock> blocks = new ArrayList<>();
        for (int i = start; i < messages.size(); i++) {
            JsonNode content = messages.get(i).path("content");
            if (messages.get(i).path("role").asText().equals("assistant") && any(content, toolCall)) {
                blocks.add(first.apply(i, content.get(0)));
            }
        }
        return problem(blocks, signatures);
    }

    private static boolean all(JsonNode content, Predicate<JsonNode> test) {
        if (!content.isArray() || content.isEmpty()) {
            return false;
        }
        for (JsonNode block : content) {
            if (!test.test(block)) {
                return false;
            }
        }
        return true;
    }

    private static boolean any(JsonNode content, Predicate<JsonNode> test) {
        for (JsonNode block : content) {
            if (test.test(block)) {
                return true;
            }
        }
        return false;
    }

    static Optional<String> problem(List<FirstBlock> blocks, Signatures signatures) {
        for (FirstBlock block : blocks) {
            String at = "messages." + block.message() + ".content.0";
            switch (block.type()) {
                case "thinking" -> {
                    if (!signatures.valid(block.thinking(), block.signature())) {
                        return Optional.of(at + ": Invalid `signature` in `thinking` block");
                    }
                }
                // the simulator never redacts, so no redacted block can be one it issued
                case "redacted_thinking" -> {
                    return Optional.of(at + ": Invalid `data` in `redacted_thinking` block");
                }
                default -> {
                    return Optional.of(
                            at + ".type: Expected `thinking` or `redacted_thinking`, but found `" + block.type()
                                    + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost "
                                    + "set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid "
                                    + "this requirement, disable `thinking`. Please consult our documentation at "
                                    + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking");
                }
            }
        }
        return Optional.empty();
    }
}
