package dev.switchboard.router.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates an OpenAI-style chat-completions stream: {@code data: {chunk}} events, an optional
 * usage-only chunk, and {@code data: [DONE]}.
 */
final class OpenAiStreamTranslator implements StreamTranslator {

    private boolean done;
    private String finishReason;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, String data) {
        if ("[DONE]".equals(data.strip())) {
            done = true;
            return List.of();
        }
        JsonNode chunk;
        try {
            chunk = OpenAiChatAdapter.JSON.readTree(data);
        } catch (IOException e) {
            throw UpstreamFailure.malformed("chunk is not JSON");
        }
        if (chunk == null || !chunk.isObject()) {
            throw UpstreamFailure.malformed("chunk is not a JSON object");
        }
        if (chunk.hasNonNull("error")) {
            JsonNode error = chunk.path("error");
            int code = error.path("code").asInt(0);
            ErrorClass errorClass = code >= 400 ? ErrorClass.fromUpstreamStatus(code) : ErrorClass.UPSTREAM;
            throw new UpstreamFailure(errorClass, "provider error in stream: " + OpenAiChatAdapter.truncate(error.path("message").asText("unknown")), null);
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
        String content = text(delta.path("content"));
        String reasoning = text(delta.has("reasoning_content") ? delta.path("reasoning_content") : delta.path("reasoning"));
        List<ToolCallDelta> toolCalls = List.of();
        if (delta.path("tool_calls").isArray()) {
            toolCalls = new ArrayList<>();
            for (JsonNode call : delta.path("tool_calls")) {
                JsonNode function = call.path("function");
                toolCalls.add(new ToolCallDelta(call.path("index").asInt(0), text(call.path("id")),
                        text(function.path("name")), text(function.path("arguments"))));
            }
        }
        if (content != null || reasoning != null || !toolCalls.isEmpty()) {
            out.add(new RouteEvent.Delta(content, reasoning, toolCalls));
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.path("finish_reason").asText();
            out.add(new RouteEvent.Finished(finishReason));
        }
        return out;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    @Override
    public boolean completed() {
        return done || finishReason != null;
    }

    @Override
    public ReportedUsage reportedUsage() {
        return usage;
    }
}
