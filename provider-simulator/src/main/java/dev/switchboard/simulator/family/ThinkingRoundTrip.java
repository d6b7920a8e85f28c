package dev.switchboard.simulator.family;

import dev.switchboard.simulator.Signatures;

import java.util.List;
import java.util.Optional;

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
    record FirstBlock(int message, String type, String thinking, String signature) {
    }

    private ThinkingRoundTrip() {
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
                    return Optional.of(at + ".type: Expected `thinking` or `redacted_thinking`, but found `" + block.type()
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
