package dev.switchboard.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What the router streams back to the edge for one request, one JSON object per line.
 *
 * <p>Order: zero or more {@link Routed} (one per attempt that got as far as an upstream
 * response), then {@link Delta}s, then {@link Finished}, then exactly one terminal event:
 * {@link Completed} on success or {@link Failed} on failure. A {@link Failed} may follow deltas
 * (failure after the first token); the edge must surface it, never end with a silent success.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RouteEvent.Routed.class, name = "routed"),
    @JsonSubTypes.Type(value = RouteEvent.Delta.class, name = "delta"),
    @JsonSubTypes.Type(value = RouteEvent.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = RouteEvent.Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = RouteEvent.Failed.class, name = "failed")
})
public sealed interface RouteEvent {

    /**
     * The provider and model chosen for the attempt that is now streaming; {@code family} is the
     * provider's wire family (signed reasoning is only good for that family); {@code routing} the
     * strategy that ordered the candidates ({@code weighted}, {@code price}, {@code latency},
     * {@code throughput}), null from a router that does not say.
     */
    record Routed(String provider, String model, String upstreamModel, int attempt, String family, String routing)
            implements RouteEvent {
        public Routed(String provider, String model, String upstreamModel, int attempt, String family) {
            this(provider, model, upstreamModel, attempt, family, null);
        }

        public Routed(String provider, String model, String upstreamModel, int attempt) {
            this(provider, model, upstreamModel, attempt, null, null);
        }
    }

    /**
     * New output. Any field may be null or empty. {@code reasoningSignature} closes the reasoning
     * streamed so far (Anthropic's {@code signature_delta}, Bedrock's reasoning signature, Gemini's
     * {@code thoughtSignature} on a text part); {@code redactedReasoning} is reasoning the provider
     * returned encrypted. Both must reach the client so it can send them back. {@code logprobs} is the
     * chunk's token log-probabilities in OpenAI's {@code {"content":[...]}} shape.
     */
    record Delta(
            String content,
            String reasoning,
            String reasoningSignature,
            String redactedReasoning,
            List<ToolCallDelta> toolCalls,
            JsonNode logprobs)
            implements RouteEvent {
        public Delta {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
            logprobs = logprobs == null || logprobs.isNull() ? null : logprobs;
        }

        public Delta(String content, String reasoning, List<ToolCallDelta> toolCalls) {
            this(content, reasoning, null, null, toolCalls, null);
        }

        public static Delta text(String content) {
            return new Delta(content, null, null);
        }
    }

    /**
     * The model stopped; {@code reason} is normalized to OpenAI's finish reasons: {@code stop},
     * {@code length}, {@code tool_calls}, {@code content_filter}, or {@code error} when the provider
     * says the generation failed.
     */
    record Finished(String reason) implements RouteEvent {}

    /** Terminal success: final usage and cost. */
    record Completed(Usage usage) implements RouteEvent {}

    /**
     * Terminal failure. {@code usage} is what was produced before the failure (null if nothing);
     * {@code reasons} explains a {@link ErrorClass#NO_PROVIDER} failure, one line per candidate.
     */
    record Failed(ErrorClass errorClass, String message, Usage usage, List<String> reasons) implements RouteEvent {
        public Failed {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }
}
