package dev.switchboard.router.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.provider.Payloads;
import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates an OpenAI-style chat-completions stream: {@code data: {chunk}} events, a usage chunk
 * with empty {@code choices}, and {@code data: [DONE]}. Only {@code [DONE]} completes the stream: a
 * body that stops after the finish reason may have lost its usage chunk, and providers of this
 * family all send the marker.
 *
 * <p>Reasoning arrives as {@code reasoning_content} (DeepSeek) or {@code reasoning} (Groq, Together
 * and the OpenRouter convention); token log-probabilities pass through as they are.
 */
final class OpenAiStreamTranslator implements StreamTranslator {

    private boolean done;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, String data) {
        if (done) {
            throw UpstreamFailure.malformed("data after [DONE]");
        }
        if ("[DONE]".equals(data.strip())) {
            done = true;
            return List.of();
        }
        JsonNode chunk = Payloads.frame(data);
        if (chunk.hasNonNull("error")) {
            JsonNode error = chunk.path("error");
            int code = error.path("code").asInt(0);
            throw UpstreamFailure.inStream(code >= 400 ? ErrorClass.fromUpstreamStatus(code) : ErrorClass.UPSTREAM,
                    error.path("message").asText("unknown"));
        }
        JsonNode u = chunk.path("usage");
        if (u.isObject()) {
            usage = new ReportedUsage(
                    u.path("prompt_tokens").asInt(0),
                    u.path("completion_tokens").asInt(0),
                    u.path("prompt_tokens_details").path("cached_tokens").asInt(0),
                    u.path("completion_tokens_details").path("reasoning_tokens").asInt(0));
        }
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            return List.of();
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.path("delta");
        List<RouteEvent> out = new ArrayList<>(2);
        String content = Payloads.text(delta.path("content"));
        String reasoning = Payloads.text(delta.has("reasoning_content") ? delta.path("reasoning_content") : delta.path("reasoning"));
        List<ToolCallDelta> toolCalls = List.of();
        if (delta.path("tool_calls").isArray()) {
            toolCalls = new ArrayList<>(delta.path("tool_calls").size());
            for (JsonNode call : delta.path("tool_calls")) {
                JsonNode function = call.path("function");
                toolCalls.add(new ToolCallDelta(call.path("index").asInt(0), Payloads.text(call.path("id")),
                        Payloads.text(function.path("name")), Payloads.text(function.path("arguments"))));
            }
        }
        JsonNode logprobs = choice.path("logprobs");
        JsonNode passedLogprobs = logprobs.isObject() && !logprobs.path("content").isNull() && logprobs.path("content").isArray()
                && !logprobs.path("content").isEmpty() ? logprobs : null;
        if (content != null || reasoning != null || !toolCalls.isEmpty() || passedLogprobs != null) {
            out.add(new RouteEvent.Delta(content, reasoning, null, null, toolCalls, passedLogprobs));
        }
        if (choice.hasNonNull("finish_reason")) {
            out.add(new RouteEvent.Finished(finishReason(choice.path("finish_reason").asText())));
        }
        return out;
    }

    /** OpenAI's reasons, plus the older {@code function_call} and the variants other providers of the family use. */
    static String finishReason(String reason) {
        return switch (reason) {
            case "stop", "end_turn", "eos", "stop_sequence" -> "stop";
            case "length", "max_tokens", "model_length" -> "length";
            case "tool_calls", "function_call", "tool_use" -> "tool_calls";
            case "content_filter" -> "content_filter";
            default -> "error";
        };
    }

    @Override
    public boolean completed() {
        return done;
    }

    @Override
    public ReportedUsage reportedUsage() {
        return usage;
    }
}
