package dev.switchboard.wire;

import java.util.List;

/**
 * A chat request as the router sees it, whatever dialect the client spoke.
 *
 * <p>{@code models} is the ordered list of models to try (the requested one first, then the
 * client's or account's fallbacks); it is never empty. {@code sampling} is never null; its fields
 * are null when unset. {@code toolChoice}, {@code parallelToolCalls}, {@code responseFormat} and
 * {@code reasoning} are null when the client did not ask, so adapters can leave them out.
 * {@code routing} is the request's own say in provider choice (never null).
 */
public record ChatRequest(
        List<String> models,
        List<ChatMessage> messages,
        Sampling sampling,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        Reasoning reasoning,
        boolean stream,
        String user,
        RoutingPreferences routing) {

    public ChatRequest {
        models = List.copyOf(models);
        messages = List.copyOf(messages);
        sampling = sampling == null ? Sampling.DEFAULT : sampling;
        tools = tools == null ? List.of() : List.copyOf(tools);
        routing = routing == null ? RoutingPreferences.DEFAULT : routing;
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must not be empty");
        }
    }

    /** A plain request: these messages to this model, provider defaults for everything else. */
    public static ChatRequest of(String model, List<ChatMessage> messages, boolean stream) {
        return new ChatRequest(List.of(model), messages, null, null, null, null, null, null, stream, null, null);
    }

    /** The same request with other tools. */
    public ChatRequest withTools(List<Tool> others) {
        return new ChatRequest(
                models,
                messages,
                sampling,
                others,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                reasoning,
                stream,
                user,
                routing);
    }

    /** The same request with other routing preferences. */
    public ChatRequest withRouting(RoutingPreferences others) {
        return new ChatRequest(
                models,
                messages,
                sampling,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                reasoning,
                stream,
                user,
                others);
    }

    /** The same request with another list of models to try. */
    public ChatRequest withModels(List<String> others) {
        return new ChatRequest(
                others,
                messages,
                sampling,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                reasoning,
                stream,
                user,
                routing);
    }

    /** The same request with other sampling settings. */
    public ChatRequest withSampling(Sampling other) {
        return new ChatRequest(
                models,
                messages,
                other,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                reasoning,
                stream,
                user,
                routing);
    }

    /** The model the client asked for first. */
    public String primaryModel() {
        return models.getFirst();
    }

    /** The client's output cap, or null. */
    public Integer maxTokens() {
        return sampling.maxTokens();
    }

    /** Images the request sends (image parts of any message): what a per-image fee is charged on. */
    public int inputImages() {
        int images = 0;
        for (ChatMessage message : messages) {
            for (ContentPart part : message.content()) {
                if (part instanceof ContentPart.Image) {
                    images++;
                }
            }
        }
        return images;
    }

    /** Whether the client wants tool calls possible at all (tools offered and not forbidden). */
    public boolean toolsEnabled() {
        return !tools.isEmpty() && (toolChoice == null || toolChoice.mode() != ToolChoice.Mode.NONE);
    }
}
