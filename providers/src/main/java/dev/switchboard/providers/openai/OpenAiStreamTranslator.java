package dev.switchboard.providers.openai;

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

    private static final ObjectReader CHUNK = FrameParser.reader(Chunk.class);

    private boolean done;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
        if (done) {
            throw UpstreamFailure.malformed("data after [DONE]");
        }
        if (Payloads.isMarker("[DONE]", data, offset, length)) {
            done = true;
            return List.of();
        }
        Chunk chunk = FrameParser.read(CHUNK, data, offset, length);
        if (chunk.error != null && !chunk.error.isNull()) {
            int code = chunk.error.path("code").asInt(0);
            throw UpstreamFailure.inStream(
                    code >= 400 ? ErrorClass.fromUpstreamStatus(code) : ErrorClass.UPSTREAM,
                    chunk.error.path("message").asText("unknown"));
        }
        if (chunk.usage != null) {
            Usage u = chunk.usage;
            usage = new ReportedUsage(
                    u.promptTokens,
                    u.completionTokens,
                    u.promptTokensDetails == null ? 0 : u.promptTokensDetails.cachedTokens,
                    u.completionTokensDetails == null ? 0 : u.completionTokensDetails.reasoningTokens);
        }
        if (chunk.choices == null || chunk.choices.isEmpty()) {
            return List.of();
        }
        Choice choice = chunk.choices.getFirst();
        Delta delta = choice.delta == null ? Delta.NONE : choice.delta;
        String content = Payloads.text(delta.content);
        String reasoning = Payloads.text(delta.reasoningContent != null ? delta.reasoningContent : delta.reasoning);
        List<ToolCallDelta> toolCalls = List.of();
        if (delta.toolCalls != null) {
            toolCalls = new ArrayList<>(delta.toolCalls.size());
            for (Call call : delta.toolCalls) {
                Function function = call.function == null ? Function.NONE : call.function;
                toolCalls.add(new ToolCallDelta(
                        call.index,
                        Payloads.text(call.id),
                        Payloads.text(function.name),
                        Payloads.text(function.arguments)));
            }
        }
        JsonNode logprobs = choice.logprobs;
        JsonNode passedLogprobs = logprobs != null
                        && logprobs.isObject()
                        && logprobs.path("content").isArray()
                        && !logprobs.path("content").isEmpty()
                ? logprobs
                : null;
        boolean delivers = content != null || reasoning != null || !toolCalls.isEmpty() || passedLogprobs != null;
        boolean finishes = choice.finishReason != null;
        if (!finishes) {
            return delivers
                    ? List.of(new RouteEvent.Delta(content, reasoning, null, null, toolCalls, passedLogprobs))
                    : List.of();
        }
        RouteEvent.Finished finished = new RouteEvent.Finished(finishReason(choice.finishReason));
        return delivers
                ? List.of(new RouteEvent.Delta(content, reasoning, null, null, toolCalls, passedLogprobs), finished)
                : List.of(finished);
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

    // The frame as bound: only the fields read here; every other field is skipped unparsed.

    static final class Chunk {
        public List<Choice> choices;
        public Usage usage;
        public JsonNode error;
    }

    static final class Choice {
        public Delta delta;

        @JsonProperty("finish_reason")
        public String finishReason;

        public JsonNode logprobs;
    }

    /** Content and reasoning stay JSON values: some providers of the family send other shapes than text, which are skipped. */
    static final class Delta {
        static final Delta NONE = new Delta();
        public JsonNode content;
        public JsonNode reasoning;

        @JsonProperty("reasoning_content")
        public JsonNode reasoningContent;

        @JsonProperty("tool_calls")
        public List<Call> toolCalls;
    }

    static final class Call {
        public int index;
        public String id;
        public Function function;
    }

    static final class Function {
        static final Function NONE = new Function();
        public String name;
        public String arguments;
    }

    static final class Usage {
        @JsonProperty("prompt_tokens")
        public int promptTokens;

        @JsonProperty("completion_tokens")
        public int completionTokens;

        @JsonProperty("prompt_tokens_details")
        public PromptDetails promptTokensDetails;

        @JsonProperty("completion_tokens_details")
        public CompletionDetails completionTokensDetails;
    }

    static final class PromptDetails {
        @JsonProperty("cached_tokens")
        public int cachedTokens;
    }

    static final class CompletionDetails {
        @JsonProperty("reasoning_tokens")
        public int reasoningTokens;
    }
}
