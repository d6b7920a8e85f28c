package dev.switchboard.router.provider.cohere;

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
    public List<RouteEvent> onEvent(String event, byte[] bytes, int offset, int length) {
        return onText(event, new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    private List<RouteEvent> onText(String event, String data) {
        if ("[DONE]".equals(data.strip())) {
            // the terminator Cohere's API description declares for SSE streams; only message-end completes one
            if (!ended) {
                throw UpstreamFailure.malformed("[DONE] before message-end");
            }
            return List.of();
        }
        if (ended) {
            throw UpstreamFailure.malformed("event after message-end");
        }
        JsonNode frame = Payloads.frame(data);
        String type = Payloads.text(frame.path("type"));
        if (type == null) {
            type = event;
        } else if (event != null && !event.equals(type)) {
            throw UpstreamFailure.malformed("event " + event + " carries type " + type);
        }
        if (type == null) {
            throw UpstreamFailure.malformed("event without a type");
        }
        JsonNode message = frame.path("delta").path("message");
        return switch (type) {
            case "message-start", "content-end", "tool-call-end", "citation-start", "citation-end", "debug" -> List.of();
            case "content-start", "content-delta" -> content(message.path("content"));
            case "tool-plan-delta" -> text(Payloads.text(message.path("tool_plan")), null);
            case "tool-call-start" -> toolCallStart(frame, message.path("tool_calls"));
            case "tool-call-delta" -> toolCallDelta(frame, message.path("tool_calls"));
            case "message-end" -> messageEnd(frame.path("delta"));
            default -> throw UpstreamFailure.malformed("unknown event type " + type);
        };
    }

    private List<RouteEvent> content(JsonNode content) {
        String reasoning = dropReasoning ? null : Payloads.text(content.path("thinking"));
        return text(Payloads.text(content.path("text")), reasoning);
    }

    private static List<RouteEvent> text(String content, String reasoning) {
        if (content == null && reasoning == null) {
            return List.of();
        }
        return List.of(new RouteEvent.Delta(content, reasoning, List.of()));
    }

    private List<RouteEvent> toolCallStart(JsonNode frame, JsonNode call) {
        int index = toolIndexes.size();
        int cohereIndex = frame.path("index").asInt(index);
        if (toolIndexes.putIfAbsent(cohereIndex, index) != null) {
            throw UpstreamFailure.malformed("tool call " + cohereIndex + " started twice");
        }
        lastToolIndex = index;
        String id = Payloads.text(call.path("id"));
        String name = Payloads.text(call.path("function").path("name"));
        if (id == null || name == null) {
            throw UpstreamFailure.malformed("tool call without id or name");
        }
        return List.of(new RouteEvent.Delta(null, null,
                List.of(new ToolCallDelta(index, id, name, Payloads.text(call.path("function").path("arguments"))))));
    }

    private List<RouteEvent> toolCallDelta(JsonNode frame, JsonNode call) {
        Integer index = frame.path("index").isInt() ? toolIndexes.get(frame.path("index").asInt()) : lastToolIndex;
        if (index == null) {
            throw UpstreamFailure.malformed("arguments for a tool call that did not start");
        }
        String arguments = Payloads.text(call.path("function").path("arguments"));
        return arguments == null ? List.of() : List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(index, null, null, arguments))));
    }

    private List<RouteEvent> messageEnd(JsonNode delta) {
        String reason = Payloads.text(delta.path("finish_reason"));
        if (reason == null) {
            throw UpstreamFailure.malformed("message-end without a finish reason");
        }
        String error = Payloads.text(delta.path("error"));
        String finish = switch (reason) {
            case "COMPLETE", "STOP_SEQUENCE" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            case "TIMEOUT" -> throw UpstreamFailure.inStream(ErrorClass.TIMEOUT, error != null ? error : "generation timed out");
            case "ERROR" -> throw UpstreamFailure.inStream(ErrorClass.UPSTREAM, error != null ? error : "generation failed");
            default -> throw UpstreamFailure.malformed("unknown finish reason " + reason);
        };
        JsonNode u = delta.path("usage");
        if (u.isObject()) {
            // tokens counts all the model read and wrote, Cohere's own prompt template included; billed_units only when tokens is absent
            JsonNode counts = u.path("tokens").isObject() ? u.path("tokens") : u.path("billed_units");
            usage = new ReportedUsage(counts.path("input_tokens").asInt(0), counts.path("output_tokens").asInt(0),
                    u.path("cached_tokens").asInt(0), 0);
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
}
