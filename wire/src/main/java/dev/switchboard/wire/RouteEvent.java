package dev.switchboard.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

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

    /** The provider and model chosen for the attempt that is now streaming. */
    record Routed(String provider, String model, String upstreamModel, int attempt) implements RouteEvent {
    }

    /** New output. Any field may be null or empty. */
    record Delta(String content, String reasoning, List<ToolCallDelta> toolCalls) implements RouteEvent {
        public Delta {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public static Delta text(String content) {
            return new Delta(content, null, null);
        }
    }

    /** The model stopped; {@code reason} is an OpenAI finish reason (stop, length, tool_calls, content_filter). */
    record Finished(String reason) implements RouteEvent {
    }

    /** Terminal success: final usage and cost. */
    record Completed(Usage usage) implements RouteEvent {
    }

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
