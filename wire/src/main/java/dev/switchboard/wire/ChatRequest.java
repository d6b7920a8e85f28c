package dev.switchboard.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A chat request as the router sees it, whatever dialect the client spoke.
 *
 * <p>{@code models} is the ordered list of models to try (the requested one first, then the
 * client's or account's fallbacks); it is never empty. Sampling fields are {@code null} when the
 * client did not set them, so adapters can omit them instead of sending defaults. {@code routing} is the
 * request's own say in provider choice (never null).
 */
public record ChatRequest(
        List<String> models,
        List<ChatMessage> messages,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Long seed,
        List<String> stop,
        List<Tool> tools,
        JsonNode toolChoice,
        JsonNode responseFormat,
        boolean stream,
        String user,
        RoutingPreferences routing) {

    public ChatRequest {
        models = List.copyOf(models);
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        routing = routing == null ? RoutingPreferences.DEFAULT : routing;
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must not be empty");
        }
    }

    /** The same request with another list of models to try. */
    public ChatRequest withModels(List<String> others) {
        return new ChatRequest(others, messages, maxTokens, temperature, topP, seed, stop, tools, toolChoice, responseFormat, stream, user,
                routing);
    }

    /** The model the client asked for first. */
    public String primaryModel() {
        return models.getFirst();
    }
}
