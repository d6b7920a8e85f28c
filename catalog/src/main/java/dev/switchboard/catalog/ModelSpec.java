package dev.switchboard.catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * A model as clients name it ({@code author/slug}), what it takes and gives, and the endpoints that
 * serve it.
 *
 * @param kind                {@link #CHAT} or {@link #EMBEDDING}
 * @param supportedParameters request parameters every endpoint of the model honours (OpenRouter's names)
 */
public record ModelSpec(String id, String name, String kind, String description, LocalDate created, int contextLength,
                        List<String> inputModalities, List<String> outputModalities, List<String> supportedParameters,
                        String tokenizer, List<EndpointSpec> endpoints) {

    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";

    /** What an OpenAI-compatible chat endpoint takes, unless the catalog says otherwise. */
    public static final List<String> DEFAULT_CHAT_PARAMETERS = List.of(
            "max_tokens", "temperature", "top_p", "stop", "seed", "tools", "tool_choice", "response_format");

    public ModelSpec {
        endpoints = List.copyOf(endpoints);
        inputModalities = List.copyOf(inputModalities);
        outputModalities = List.copyOf(outputModalities);
        supportedParameters = List.copyOf(supportedParameters);
    }

    public boolean isEmbedding() {
        return EMBEDDING.equals(kind);
    }
}
