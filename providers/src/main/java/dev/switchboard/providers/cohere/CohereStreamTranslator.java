package dev.switchboard.providers.cohere;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
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

/**
 * Translates a Cohere v2 chat stream: server-sent events named like their {@code type}
 * ({@code message-start}, {@code content-*}, {@code tool-plan-delta}, {@code tool-call-*},
 * {@code citation-*}, {@code message-end}). {@code message-end} is the terminal event; it carries
 * the finish reason and usage.
 *
 * <p>{@code tool-plan-delta} text (what the model says it will do before calling tools) is
 * streamed as content, as other families' text before a tool call is, and goes back to Cohere as
 * the assistant's {@code tool_plan}. {@code thinking} content is reasoning; when the client asked to
 * exclude it, it is dropped here because Cohere cannot be told to leave it out.
 */
final class CohereStreamTranslator implements StreamTranslator {

    private static final ObjectReader HEADER = FrameParser.reader(Header.class);
    private static final ObjectReader FRAME = FrameParser.reader(Frame.class);

    private final boolean dropReasoning;
    /** Cohere's tool-call index to the call's index in the answer. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();

    private Integer lastToolIndex;
    private boolean ended;
    private ReportedUsage usage;

    CohereStreamTranslator(boolean dropReasoning) {
        this.dropReasoning = dropReasoning;
    }

    @Override
    public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
        if (Payloads.isMarker("[DONE]", data, offset, length)) {
            // the terminator Cohere's API description declares for SSE streams; only message-end completes one
            if (!ended) {
                throw UpstreamFailure.malformed("[DONE] before message-end");
            }
            return List.of();
        }
        if (ended) {
            throw UpstreamFailure.malformed("event after message-end");
        }
        String type = event != null ? event : declaredType(data, offset, length);
        return switch (type) {
            case "message-start", "content-end", "tool-call-end", "citation-start", "citation-end", "debug" ->
                skip(event, data, offset, length);
            case "content-start", "content-delta" -> content(message(frame(event, data, offset, length)).content);
            case "tool-plan-delta" -> text(Payloads.text(message(frame(event, data, offset, length)).toolPlan), null);
            case "tool-call-start" -> toolCallStart(frame(event, data, offset, length));
            case "tool-call-delta" -> toolCallDelta(frame(event, data, offset, length));
            case "message-end" -> messageEnd(frame(event, data, offset, length).delta);
            default -> {
                skip(event, data, offset, length);
                throw UpstreamFailure.malformed("unknown event type " + type);
            }
        };
    }

    /** The type of an unnamed event, read from its frame before the frame is read for its content (rare: Cohere names its events). */
    private static String declaredType(byte[] data, int offset, int length) {
        String type = Payloads.text(FrameParser.<Header>read(HEADER, data, offset, length).type);
        if (type == null) {
            throw UpstreamFailure.malformed("event without a type");
        }
        return type;
    }

    /** An event that carries nothing the router passes on: only its JSON and its type are checked. */
    private static List<RouteEvent> skip(String event, byte[] data, int offset, int length) {
        checkType(event, FrameParser.<Header>read(HEADER, data, offset, length).type);
        return List.of();
    }

    private static Frame frame(String event, byte[] data, int offset, int length) {
        Frame frame = FrameParser.read(FRAME, data, offset, length);
        checkType(event, frame.type);
        return frame;
    }

    /** A frame's {@code type}, when it has one, must be the event's name. */
    private static void checkType(String event, JsonNode declared) {
        String type = Payloads.text(declared);
        if (type != null && event != null && !event.equals(type)) {
            throw UpstreamFailure.malformed("event " + event + " carries type " + type);
        }
    }

    private static Message message(Frame frame) {
        return frame.delta == null || frame.delta.message == null ? Message.NONE : frame.delta.message;
    }

    private List<RouteEvent> content(Content content) {
        if (content == null) {
            return List.of();
        }
        String reasoning = dropReasoning ? null : Payloads.text(content.thinking);
        return text(Payloads.text(content.text), reasoning);
    }

    private static List<RouteEvent> text(String content, String reasoning) {
        if (content == null && reasoning == null) {
            return List.of();
        }
        return List.of(new RouteEvent.Delta(content, reasoning, List.of()));
    }

    private List<RouteEvent> toolCallStart(Frame frame) {
        int index = toolIndexes.size();
        int cohereIndex = frame.index == null ? index : frame.index.asInt(index);
        if (toolIndexes.putIfAbsent(cohereIndex, index) != null) {
            throw UpstreamFailure.malformed("tool call " + cohereIndex + " started twice");
        }
        lastToolIndex = index;
        Call call = call(frame);
        Function function = function(call);
        String id = Payloads.text(call.id);
        String name = Payloads.text(function.name);
        if (id == null || name == null) {
            throw UpstreamFailure.malformed("tool call without id or name");
        }
        return List.of(new RouteEvent.Delta(
                null, null, List.of(new ToolCallDelta(index, id, name, Payloads.text(function.arguments)))));
    }

    private List<RouteEvent> toolCallDelta(Frame frame) {
        Integer index =
                frame.index != null && frame.index.isInt() ? toolIndexes.get(frame.index.asInt()) : lastToolIndex;
        if (index == null) {
            throw UpstreamFailure.malformed("arguments for a tool call that did not start");
        }
        String arguments = Payloads.text(function(call(frame)).arguments);
        return arguments == null
                ? List.of()
                : List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(index, null, null, arguments))));
    }

    private static Call call(Frame frame) {
        Call call = message(frame).toolCalls;
        return call == null ? Call.NONE : call;
    }

    private static Function function(Call call) {
        return call.function == null ? Function.NONE : call.function;
    }

    private List<RouteEvent> messageEnd(Delta delta) {
        String reason = delta == null ? null : Payloads.text(delta.finishReason);
        if (reason == null) {
            throw UpstreamFailure.malformed("message-end without a finish reason");
        }
        String error = Payloads.text(delta.error);
        String finish = switch (reason) {
            case "COMPLETE", "STOP_SEQUENCE" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            case "TIMEOUT" ->
                throw UpstreamFailure.inStream(ErrorClass.TIMEOUT, error != null ? error : "generation timed out");
            case "ERROR" ->
                throw UpstreamFailure.inStream(ErrorClass.UPSTREAM, error != null ? error : "generation failed");
            default -> throw UpstreamFailure.malformed("unknown finish reason " + reason);
        };
        Usage u = delta.usage;
        if (u != null) {
            // tokens counts all the model read and wrote, Cohere's own prompt template included; billed_units only when
            // tokens is absent
            Counts counts = u.tokens != null ? u.tokens : u.billedUnits != null ? u.billedUnits : Counts.NONE;
            usage = new ReportedUsage(counts.inputTokens, counts.outputTokens, u.cachedTokens, 0);
        }
        ended = true;
        return List.of(new RouteEvent.Finished(finish));
    }

    @Override
    public boolean completed() {
        return ended;
    }

    @Override
    public ReportedUsage reportedUsage() {
        return usage;
    }

    // The frames as bound: only the fields read here; every other field is skipped unparsed. Text fields stay JSON
    // values, so
    // that a value that is not text is skipped rather than turned into text (a number would bind to a String as its
    // digits).

    /** An event read for its type alone (message-start's content and tool_calls are arrays, not the objects of later events). */
    static final class Header {
        public JsonNode type;
    }

    /** An event that carries output: its delta's message holds content, a tool plan or one tool call, as its type says. */
    static final class Frame {
        public JsonNode type;
        /** tool-call-start takes any number here (none: the next index), tool-call-delta only an integer (else: the last call). */
        public JsonNode index;

        public Delta delta;
    }

    static final class Delta {
        public Message message;

        @JsonProperty("finish_reason")
        public JsonNode finishReason;

        public JsonNode error;
        public Usage usage;
    }

    static final class Message {
        static final Message NONE = new Message();
        public Content content;

        @JsonProperty("tool_plan")
        public JsonNode toolPlan;

        @JsonProperty("tool_calls")
        public Call toolCalls;
    }

    static final class Content {
        public JsonNode text;
        public JsonNode thinking;
    }

    static final class Call {
        static final Call NONE = new Call();
        public JsonNode id;
        public Function function;
    }

    static final class Function {
        static final Function NONE = new Function();
        public JsonNode name;
        public JsonNode arguments;
    }

    static final class Usage {
        public Counts tokens;

        @JsonProperty("billed_units")
        public Counts billedUnits;

        @JsonProperty("cached_tokens")
        public int cachedTokens;
    }

    static final class Counts {
        static final Counts NONE = new Counts();

        @JsonProperty("input_tokens")
        public int inputTokens;

        @JsonProperty("output_tokens")
        public int outputTokens;
    }
}
