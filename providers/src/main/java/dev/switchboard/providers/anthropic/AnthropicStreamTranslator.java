package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.switchboard.providers.FrameParser;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private static final ObjectReader FRAME = FrameParser.reader(Frame.class);
    private static final ObjectReader TYPED_FRAME = FrameParser.reader(TypedFrame.class);

    private enum Kind {
        TEXT,
        TOOL_USE,
        THINKING,
        REDACTED_THINKING
    }

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
    public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
        if (event == null) {
            TypedFrame frame = FrameParser.read(TYPED_FRAME, data, offset, length);
            return onFrame(Payloads.text(frame.type), frame);
        }
        return onFrame(event, FrameParser.read(FRAME, data, offset, length));
    }

    private List<RouteEvent> onFrame(String type, Frame frame) {
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
                usage(frame.message == null ? null : frame.message.usage);
                yield List.of();
            }
            case "content_block_start" ->
                start(index(frame), frame.contentBlock == null ? ContentBlock.NONE : frame.contentBlock);
            case "content_block_delta" -> delta(block(frame), frame.delta == null ? Delta.NONE : frame.delta);
            case "content_block_stop" -> stop(index(frame));
            case "message_delta" -> {
                usage(frame.usage);
                String reason = frame.delta == null ? null : Payloads.text(frame.delta.stopReason);
                yield reason == null ? List.of() : List.of(new RouteEvent.Finished(finishReason(reason)));
            }
            case "message_stop" -> {
                stopped = true;
                yield List.of();
            }
            case "ping" -> List.of();
            case "error" -> {
                JsonNode error = frame.error;
                String message = error.path("message").asText("unknown");
                throw UpstreamFailure.inStream(
                        AnthropicMessagesAdapter.errorClass(
                                error.path("type").asText(""), message, ErrorClass.UPSTREAM),
                        message);
            }
            default -> throw UpstreamFailure.malformed("unknown event type " + type);
        };
    }

    private List<RouteEvent> start(int index, ContentBlock block) {
        String type = Objects.requireNonNullElse(block.type, "");
        switch (type) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                String text = Payloads.text(block.text);
                return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String thinking = Payloads.text(block.thinking);
                String signature = Payloads.text(block.signature);
                return thinking == null && signature == null
                        ? List.of()
                        : List.of(new RouteEvent.Delta(null, thinking, signature, null, null, null));
            }
            case "redacted_thinking" -> {
                String data = Payloads.text(block.data);
                if (data == null) {
                    throw UpstreamFailure.malformed("redacted_thinking without data");
                }
                blocks.put(index, new Block(Kind.REDACTED_THINKING, -1));
                return List.of(new RouteEvent.Delta(null, null, null, data, null, null));
            }
            case "tool_use" -> {
                String id = Payloads.text(block.id);
                String name = Payloads.text(block.name);
                if (id == null || name == null) {
                    throw UpstreamFailure.malformed("tool_use without id or name");
                }
                Block tool = new Block(Kind.TOOL_USE, toolCalls++);
                blocks.put(index, tool);
                // the input is streamed as input_json_delta and starts out empty; take it if a provider sends it whole
                JsonNode input = block.input;
                String arguments = input.isObject() && !input.isEmpty() ? input.toString() : null;
                tool.hasArguments = arguments != null;
                return List.of(new RouteEvent.Delta(
                        null, null, List.of(new ToolCallDelta(tool.toolIndex, id, name, arguments))));
            }
            default -> throw UpstreamFailure.malformed("unknown content block type " + type);
        }
    }

    private List<RouteEvent> delta(Block block, Delta delta) {
        String type = Objects.requireNonNullElse(delta.type, "");
        switch (type) {
            case "text_delta" -> {
                expect(block, Kind.TEXT, type);
                String text = Payloads.text(delta.text);
                return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
            }
            case "input_json_delta" -> {
                expect(block, Kind.TOOL_USE, type);
                String json = Payloads.text(delta.partialJson);
                if (json == null) {
                    return List.of();
                }
                block.hasArguments = true;
                return List.of(new RouteEvent.Delta(
                        null, null, List.of(new ToolCallDelta(block.toolIndex, null, null, json))));
            }
            case "thinking_delta" -> {
                expect(block, Kind.THINKING, type);
                String thinking = Payloads.text(delta.thinking);
                return thinking == null ? List.of() : List.of(new RouteEvent.Delta(null, thinking, null));
            }
            case "signature_delta" -> {
                expect(block, Kind.THINKING, type);
                String signature = Payloads.text(delta.signature);
                return signature == null
                        ? List.of()
                        : List.of(new RouteEvent.Delta(null, null, signature, null, null, null));
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
            return List.of(
                    new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(block.toolIndex, null, null, "{}"))));
        }
        return List.of();
    }

    private static void expect(Block block, Kind kind, String delta) {
        if (block.kind != kind) {
            throw UpstreamFailure.malformed(delta + " in a " + block.kind + " block");
        }
    }

    private static int index(Frame frame) {
        if (frame.index == null || !frame.index.isInt()) {
            throw UpstreamFailure.malformed("content block event without index");
        }
        return frame.index.intValue();
    }

    private Block block(Frame frame) {
        Block block = blocks.get(index(frame));
        if (block == null) {
            throw UpstreamFailure.malformed("delta for content block " + index(frame) + " that never started");
        }
        return block;
    }

    /** Counts from message_start, updated by message_delta, whose counts are cumulative. */
    private void usage(Usage usage) {
        if (usage == null) {
            return;
        }
        inputTokens = count(usage.inputTokens, inputTokens);
        outputTokens = count(usage.outputTokens, outputTokens);
        cacheReadTokens = count(usage.cacheReadInputTokens, cacheReadTokens);
        cacheWriteTokens = count(usage.cacheCreationInputTokens, cacheWriteTokens);
    }

    private static int count(JsonNode n, int otherwise) {
        return n != null && n.isInt() ? n.intValue() : otherwise;
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

    // The frame as bound: only the fields read here; every other field is skipped unparsed. Values
    // taken only when they are text (or an int) stay JSON values, so that anything else is skipped
    // or refused instead of coerced (a String field would take 5 as "5", an int field "5" as 5).

    static class Frame {
        public JsonNode index;

        @JsonProperty("content_block")
        public ContentBlock contentBlock;

        public Delta delta;
        public Message message;
        public Usage usage;
        public JsonNode error = MissingNode.getInstance();
    }

    /** A frame of an event without an {@code event:} name, which names itself. */
    static final class TypedFrame extends Frame {
        public JsonNode type;
    }

    static final class Message {
        public Usage usage;
    }

    static final class ContentBlock {
        static final ContentBlock NONE = new ContentBlock();
        public String type;
        public JsonNode text;
        public JsonNode thinking;
        public JsonNode signature;
        public JsonNode data;
        public JsonNode id;
        public JsonNode name;
        public JsonNode input = MissingNode.getInstance();
    }

    /** A content block delta, or the message delta (then only the stop reason). */
    static final class Delta {
        static final Delta NONE = new Delta();
        public String type;
        public JsonNode text;

        @JsonProperty("partial_json")
        public JsonNode partialJson;

        public JsonNode thinking;
        public JsonNode signature;

        @JsonProperty("stop_reason")
        public JsonNode stopReason;
    }

    static final class Usage {
        @JsonProperty("input_tokens")
        public JsonNode inputTokens;

        @JsonProperty("output_tokens")
        public JsonNode outputTokens;

        @JsonProperty("cache_read_input_tokens")
        public JsonNode cacheReadInputTokens;

        @JsonProperty("cache_creation_input_tokens")
        public JsonNode cacheCreationInputTokens;
    }
}
