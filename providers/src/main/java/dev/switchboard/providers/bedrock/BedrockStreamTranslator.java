package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
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

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a Bedrock ConverseStream: {@code messageStart}, content block deltas by
 * {@code contentBlockIndex} (text blocks have no start event, tool-use blocks do),
 * {@code messageStop} with the stop reason, then {@code metadata} with usage. The stream is complete
 * only when both the stop and the metadata arrived, since usage comes last. Exception frames carry
 * the exception's name ({@code throttlingException}) as their event.
 *
 * <p>Usage: Bedrock counts cache reads and writes apart from {@code inputTokens}; the prompt total
 * adds them. Reasoning tokens are part of {@code outputTokens} and not counted apart.
 */
final class BedrockStreamTranslator implements StreamTranslator {

    private static final ObjectReader FRAME = FrameParser.reader(Frame.class);

    /** A tool-use block: the call's index in the answer, and whether any of its input arrived. */
    private static final class ToolBlock {
        final int index;
        boolean hasInput;

        ToolBlock(int index) {
            this.index = index;
        }
    }

    private final Map<Integer, ToolBlock> tools = new HashMap<>();
    private boolean started;
    private boolean stopped;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
        if (event == null) {
            throw UpstreamFailure.malformed("event stream message without an event type");
        }
        if (event.endsWith("Exception")) {
            throw exception(event, new String(data, offset, length, StandardCharsets.UTF_8));
        }
        Frame frame = FrameParser.read(FRAME, data, offset, length);
        if (!started && !event.equals("messageStart")) {
            throw UpstreamFailure.malformed(event + " before messageStart");
        }
        return switch (event) {
            case "messageStart" -> {
                started = true;
                yield List.of();
            }
            case "contentBlockStart" -> start(index(frame), frame.start);
            case "contentBlockDelta" ->
                delta(index(frame), frame.delta == null ? Delta.NONE : frame.delta, data, offset, length);
            case "contentBlockStop" -> stop(index(frame));
            case "messageStop" -> {
                String reason = Payloads.text(frame.stopReason);
                if (reason == null) {
                    throw UpstreamFailure.malformed("messageStop without stopReason");
                }
                stopped = true;
                yield List.of(new RouteEvent.Finished(finishReason(reason)));
            }
            case "metadata" -> {
                usage = usage(frame.usage);
                yield List.of();
            }
            default -> throw UpstreamFailure.malformed("unknown event type " + event);
        };
    }

    /** An exception frame: the message its payload holds, else the payload as it is. */
    private static UpstreamFailure exception(String event, String data) {
        JsonNode payload = Payloads.tryParse(data.getBytes(StandardCharsets.UTF_8));
        String message = payload != null && payload.path("message").isTextual()
                ? payload.path("message").asText()
                : data;
        return UpstreamFailure.inStream(
                BedrockConverseAdapter.errorClass(event, message, ErrorClass.UPSTREAM), event + ": " + message);
    }

    private List<RouteEvent> start(int index, JsonNode start) {
        JsonNode toolUse = start.path("toolUse");
        String id = Payloads.text(toolUse.path("toolUseId"));
        String name = Payloads.text(toolUse.path("name"));
        if (id == null || name == null) {
            // tool results and images come from server-side tools, which the router never offers
            throw UpstreamFailure.malformed("content block start that is not a tool use: " + start);
        }
        ToolBlock tool = new ToolBlock(tools.size());
        tools.put(index, tool);
        return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(tool.index, id, name, null))));
    }

    private List<RouteEvent> delta(int index, Delta delta, byte[] data, int offset, int length) {
        if (delta.text != null) {
            String text = Payloads.text(delta.text);
            return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
        }
        if (delta.toolUse != null) {
            ToolBlock tool = tools.get(index);
            if (tool == null) {
                throw UpstreamFailure.malformed("tool input for block " + index + ", which is no tool use");
            }
            String input = Payloads.text(delta.toolUse.input);
            if (input == null) {
                return List.of();
            }
            tool.hasInput = true;
            return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(tool.index, null, null, input))));
        }
        if (delta.reasoningContent != null) {
            Reasoning reasoning = delta.reasoningContent;
            String text = Payloads.text(reasoning.text);
            String signature = Payloads.text(reasoning.signature);
            String redacted = Payloads.text(reasoning.redactedContent);
            if (text == null && signature == null && redacted == null) {
                return List.of();
            }
            return List.of(new RouteEvent.Delta(null, text, signature, redacted, null, null));
        }
        if (delta.citation != null) {
            // annotates text that arrives anyway as text deltas; the router asks for no citations
            return List.of();
        }
        // the message shows the delta as sent: the frame is read again, as a tree, for this failure only
        throw UpstreamFailure.malformed("unknown content block delta "
                + FrameParser.tree(data, offset, length).path("delta"));
    }

    private List<RouteEvent> stop(int index) {
        ToolBlock tool = tools.get(index);
        if (tool != null && !tool.hasInput) {
            // a call of a tool without parameters may stream no input: clients parse the arguments as JSON
            tool.hasInput = true;
            return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(tool.index, null, null, "{}"))));
        }
        return List.of();
    }

    private static int index(Frame frame) {
        if (frame.contentBlockIndex == null || !frame.contentBlockIndex.isInt()) {
            throw UpstreamFailure.malformed("content block event without contentBlockIndex");
        }
        return frame.contentBlockIndex.intValue();
    }

    private static ReportedUsage usage(Usage u) {
        if (u == null) {
            throw UpstreamFailure.malformed("metadata without usage");
        }
        int cacheRead = count(u.cacheReadInputTokens);
        return new ReportedUsage(
                count(u.inputTokens) + cacheRead + count(u.cacheWriteInputTokens), count(u.outputTokens), cacheRead, 0);
    }

    private static int count(JsonNode n) {
        return n == null ? 0 : n.asInt(0);
    }

    /** Converse's stop reasons; a guardrail or content filter ends the answer as filtered, malformed output as an error. */
    static String finishReason(String reason) {
        return switch (reason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "error";
        };
    }

    @Override
    public boolean completed() {
        return stopped && usage != null;
    }

    @Override
    public ReportedUsage reportedUsage() {
        return usage;
    }

    // The frame as bound: only the fields read here; every other field (the padding p among them)
    // is skipped unparsed. Values taken only when they are text (or an int) stay JSON values, so
    // that anything else is skipped or refused instead of coerced (a String field would take 5 as
    // "5", an int field "5" as 5). A delta's kind is the field present, even when it is null.

    static final class Frame {
        public JsonNode contentBlockIndex;
        public JsonNode start = MissingNode.getInstance();
        public Delta delta;
        public JsonNode stopReason;
        public Usage usage;
    }

    static final class Delta {
        static final Delta NONE = new Delta();
        public JsonNode text;

        @JsonSetter(nulls = Nulls.AS_EMPTY)
        public ToolUse toolUse;

        @JsonSetter(nulls = Nulls.AS_EMPTY)
        public Reasoning reasoningContent;

        public JsonNode citation;
    }

    static final class ToolUse {
        public JsonNode input;
    }

    static final class Reasoning {
        public JsonNode text;
        public JsonNode signature;
        public JsonNode redactedContent;
    }

    /** Counts, read as {@link JsonNode#asInt(int)} reads them: a count left out is 0. */
    static final class Usage {
        public JsonNode inputTokens;
        public JsonNode outputTokens;
        public JsonNode cacheReadInputTokens;
        public JsonNode cacheWriteInputTokens;
    }
}
