package dev.switchboard.router.provider.bedrock;

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
    public List<RouteEvent> onEvent(String event, byte[] bytes, int offset, int length) {
        return onText(event, new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    private List<RouteEvent> onText(String event, String data) {
        if (event == null) {
            throw UpstreamFailure.malformed("event stream message without an event type");
        }
        if (event.endsWith("Exception")) {
            JsonNode payload = Payloads.tryParse(data.getBytes(StandardCharsets.UTF_8));
            String message = payload != null && payload.path("message").isTextual() ? payload.path("message").asText() : data;
            throw UpstreamFailure.inStream(BedrockConverseAdapter.errorClass(event, message, ErrorClass.UPSTREAM), event + ": " + message);
        }
        JsonNode frame = Payloads.frame(data);
        if (!started && !event.equals("messageStart")) {
            throw UpstreamFailure.malformed(event + " before messageStart");
        }
        return switch (event) {
            case "messageStart" -> {
                started = true;
                yield List.of();
            }
            case "contentBlockStart" -> start(index(frame), frame.path("start"));
            case "contentBlockDelta" -> delta(index(frame), frame.path("delta"));
            case "contentBlockStop" -> stop(index(frame));
            case "messageStop" -> {
                String reason = Payloads.text(frame.path("stopReason"));
                if (reason == null) {
                    throw UpstreamFailure.malformed("messageStop without stopReason");
                }
                stopped = true;
                yield List.of(new RouteEvent.Finished(finishReason(reason)));
            }
            case "metadata" -> {
                JsonNode u = frame.path("usage");
                if (!u.isObject()) {
                    throw UpstreamFailure.malformed("metadata without usage");
                }
                int cacheRead = u.path("cacheReadInputTokens").asInt(0);
                usage = new ReportedUsage(u.path("inputTokens").asInt(0) + cacheRead + u.path("cacheWriteInputTokens").asInt(0),
                        u.path("outputTokens").asInt(0), cacheRead, 0);
                yield List.of();
            }
            default -> throw UpstreamFailure.malformed("unknown event type " + event);
        };
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

    private List<RouteEvent> delta(int index, JsonNode delta) {
        if (delta.has("text")) {
            String text = Payloads.text(delta.path("text"));
            return text == null ? List.of() : List.of(RouteEvent.Delta.text(text));
        }
        if (delta.has("toolUse")) {
            ToolBlock tool = tools.get(index);
            if (tool == null) {
                throw UpstreamFailure.malformed("tool input for block " + index + ", which is no tool use");
            }
            String input = Payloads.text(delta.path("toolUse").path("input"));
            if (input == null) {
                return List.of();
            }
            tool.hasInput = true;
            return List.of(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(tool.index, null, null, input))));
        }
        if (delta.has("reasoningContent")) {
            JsonNode reasoning = delta.path("reasoningContent");
            String text = Payloads.text(reasoning.path("text"));
            String signature = Payloads.text(reasoning.path("signature"));
            String redacted = Payloads.text(reasoning.path("redactedContent"));
            if (text == null && signature == null && redacted == null) {
                return List.of();
            }
            return List.of(new RouteEvent.Delta(null, text, signature, redacted, null, null));
        }
        if (delta.has("citation")) {
            // annotates text that arrives anyway as text deltas; the router asks for no citations
            return List.of();
        }
        throw UpstreamFailure.malformed("unknown content block delta " + delta);
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

    private static int index(JsonNode frame) {
        if (!frame.path("contentBlockIndex").isInt()) {
            throw UpstreamFailure.malformed("content block event without contentBlockIndex");
        }
        return frame.path("contentBlockIndex").asInt();
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
}
