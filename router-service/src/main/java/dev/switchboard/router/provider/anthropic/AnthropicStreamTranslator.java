package dev.switchboard.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.provider.Payloads;
import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates an Anthropic Messages stream: {@code message_start} (prompt usage), content blocks
 * opened, filled and closed by index ({@code text}, {@code tool_use}, {@code thinking},
 * {@code redacted_thinking}), {@code message_delta} (stop reason, output usage), and
 * {@code message_stop}, the only event that completes the stream.
 *
 * <p>Usage: Anthropic counts cache reads and cache writes apart from {@code input_tokens}; the
 * prompt total adds all three. Thinking tokens are part of {@code output_tokens} and not counted
 * apart, so reasoning tokens are reported as 0.
 */
final class AnthropicStreamTranslator implements StreamTranslator {

    private enum Kind { TEXT, TOOL_USE, THINKING, REDACTED_THINKING }

    /** An open content block; {@code toolIndex} and {@code hasArguments} only matter for tool use. */
    private static final class Block {
        final Kind kind;
        final int toolIndex;
        boolean hasArguments;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final Map<Integer, Block> blocks = new HashMap<>();
    private int toolCalls;
    private boolean started;
    private boolean stopped;
    private int inputTokens;
    private int outputTokens;
    private int cacheReadTokens;
    private int cacheWriteTokens;

    @Override
    public List<RouteEvent> onEvent(String event, byte[] bytes, int offset, int length) {
        return onText(event, new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    private List<RouteEvent> onText(String event, String data) {
        JsonNode frame = Payloads.frame(data);
        String type = event != null ? event : Payloads.text(frame.path("type"));
        if (type == null) {
            throw UpstreamFailure.malformed("event without a type");
        }
        if (stopped) {
            throw UpstreamFailure.malformed(type + " after message_stop");
        }
        if (!started && !type.equals("message_start") && !type.equals("ping") && !type.equals("error")) {
            throw UpstreamFailure.malformed(type + " before message_start");
        }
        return switch (type) {
            case "message_start" -> {
                started = true;
                usage(frame.path("message").path("usage"));
                yield List.of();
            }
            case "content_block_start" -> start(index(frame), frame.path("content_block"));
            case "content_block_delta" -> delta(block(frame), frame.path("delta"));
            case "content_block_stop" -> stop(index(frame));
            case "message_delta" -> {
                usage(frame.path("usage"));
                String reason = Payloads.text(frame.path("delta").path("stop_reason"));
                yield reason == null ? List.of() : List.of(new RouteEvent.Finished(finishReason(reason)));
            }
            case "message_stop" -> {
                stopped = true;
                yield List.of();
            }
            case "ping" -> List.of();
            case "error" -> {
                JsonNode error = frame.path("error");
                String message = error.path("message").asText("unknown");
                throw UpstreamFailure.inStream(AnthropicMessagesAdapter.errorClass(error.path("type").asText(""), message, ErrorClass.UPSTREAM),
                        message);
            }
            default -> throw UpstreamFailure.malformed("unknown event type " + type);
        };
    }

    private List<RouteEvent> start(int index, JsonNode block) {
        String type = block.path("type").asText("");
        switch (type) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                String text = Payloads.text(block.path("text"));
                return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String thinking = Payloads.text(block.path("thinking"));
                String signature = Payloads.text(block.path("signature"));
                return thinking == null && signature == null ? List.of() : List.of(new RouteEvent.Delta(null, thinking, signature, null, null, null));
            }
            case "redacted_thinking" -> {
                String data = Payloads.text(block.path("data"));
                if (data == null) {
                    throw UpstreamFailure.malformed("redacted_thinking without data");
                }
                blocks.put(index, new Block(Kind.REDACTED_THINKING, -1));
                return List.of(new RouteEvent.Delta(null, null, null, data, null, null));
            }
            case "tool_use" -> {
                String id = Payloads.text(block.path("id"));
                String name = Payloads.text(block.path("name"));
                if (id == null || name == null) {
                    throw UpstreamFailure.malformed("tool_use without id or name");
                }
                Block tool = new Block(Kind.TOOL_USE, toolCalls++);
                blocks.put(index, tool);
                // the input is streamed as input_json_delta and starts out empty; take it if a provider sends it whole
                JsonNode input = block.path("input");
                String arguments = input.isObject() && !input.isEmpty() ? input.toString() : null;
                tool.hasArguments = arguments != null;
                return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(tool.toolIndex, id, name, arguments))));
            }
            default -> throw UpstreamFailure.malformed("unknown content block type " + type);
        }
    }

    private List<RouteEvent> delta(Block block, JsonNode delta) {
        String type = delta.path("type").asText("");
        switch (type) {
            case "text_delta" -> {
                expect(block, Kind.TEXT, type);
                String text = Payloads.text(delta.path("text"));
                return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
            }
            case "input_json_delta" -> {
                expect(block, Kind.TOOL_USE, type);
                String json = Payloads.text(delta.path("partial_json"));
                if (json == null) {
                    return List.of();
                }
                block.hasArguments = true;
                return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(block.toolIndex, null, null, json))));
            }
            case "thinking_delta" -> {
                expect(block, Kind.THINKING, type);
                String thinking = Payloads.text(delta.path("thinking"));
                return thinking == null ? List.of() : List.of(new RouteEvent.Delta(null, thinking, null));
            }
            case "signature_delta" -> {
                expect(block, Kind.THINKING, type);
                String signature = Payloads.text(delta.path("signature"));
                return signature == null ? List.of() : List.of(new RouteEvent.Delta(null, null, signature, null, null, null));
            }
            case "citations_delta" -> {
                // a citation annotates text that arrives anyway as text_delta; the router asks for none
                return List.of();
            }
            default -> throw UpstreamFailure.malformed("unknown content block delta type " + type);
        }
    }

    private List<RouteEvent> stop(int index) {
        Block block = blocks.get(index);
        if (block == null) {
            throw UpstreamFailure.malformed("content_block_stop for block " + index + " that never started");
        }
        if (block.kind == Kind.TOOL_USE && !block.hasArguments) {
            // a call of a tool without parameters streams no input: clients parse the arguments as JSON
            block.hasArguments = true;
            return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(block.toolIndex, null, null, "{}"))));
        }
        return List.of();
    }

    private static void expect(Block block, Kind kind, String delta) {
        if (block.kind != kind) {
            throw UpstreamFailure.malformed(delta + " in a " + block.kind + " block");
        }
    }

    private static int index(JsonNode frame) {
        if (!frame.path("index").isInt()) {
            throw UpstreamFailure.malformed("content block event without index");
        }
        return frame.path("index").asInt();
    }

    private Block block(JsonNode frame) {
        Block block = blocks.get(index(frame));
        if (block == null) {
            throw UpstreamFailure.malformed("delta for content block " + index(frame) + " that never started");
        }
        return block;
    }

    /** Counts from message_start, updated by message_delta, whose counts are cumulative. */
    private void usage(JsonNode usage) {
        inputTokens = count(usage, "input_tokens", inputTokens);
        outputTokens = count(usage, "output_tokens", outputTokens);
        cacheReadTokens = count(usage, "cache_read_input_tokens", cacheReadTokens);
        cacheWriteTokens = count(usage, "cache_creation_input_tokens", cacheWriteTokens);
    }

    private static int count(JsonNode usage, String field, int otherwise) {
        JsonNode n = usage.path(field);
        return n.isInt() ? n.asInt() : otherwise;
    }

    /** Anthropic's stop reasons; {@code pause_turn} (a long server-tool turn paused) ends the answer as it stands. */
    static String finishReason(String reason) {
        return switch (reason) {
            case "end_turn", "stop_sequence", "pause_turn" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "error";
        };
    }

    @Override
    public boolean completed() {
        return stopped;
    }

    @Override
    public ReportedUsage reportedUsage() {
        if (!started) {
            return null;
        }
        return new ReportedUsage(inputTokens + cacheReadTokens + cacheWriteTokens, outputTokens, cacheReadTokens, 0);
    }
}
