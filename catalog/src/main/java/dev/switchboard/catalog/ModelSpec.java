package dev.switchboard.catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * A model as clients name it ({@code author/slug}), what it takes and gives, and the endpoints that
 * serve it.
 *
 * @param kind                {@link #CHAT} or {@link #EMBEDDING}
 * @param supportedParameters request parameters every endpoint of the model honours (OpenRouter's names)
 * @param aliases             other names a client may use for it (a bare provider name such as
 *                            {@code gpt-4o-mini}, a dated snapshot); answers name the model by its id
 */
public record ModelSpec(
        String id,
        String name,
        String kind,
        String description,
        LocalDate created,
        int contextLength,
        List<String> inputModalities,
        List<String> outputModalities,
        List<String> supportedParameters,
        String tokenizer,
        List<EndpointSpec> endpoints,
        List<String> aliases) {

    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";

    /** What an OpenAI-compatible chat endpoint takes, unless the catalog says otherwise. */
    public static final List<String> DEFAULT_CHAT_PARAMETERS =
            List.of("max_tokens", "temperature", "top_p", "stop", "seed", "tools", "tool_choice", "response_format");

    public ModelSpec {
        endpoints = List.copyOf(endpoints);
        inputModalities = List.copyOf(inputModalities);
        outputModalities = List.copyOf(outputModalities);
        supportedParameters = List.copyOf(supportedParameters);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    /** A model without aliases. */
    public ModelSpec(
            String id,
            String name,
            String kind,
            String description,
            LocalDate created,
            int contextLength,
            List<String> inputModalities,
            List<String> outputModalities,
            List<String> supportedParameters,
            String tokenizer,
            List<EndpointSpec> endpoints) {
        this(
                id,
                name,
                kind,
                description,
                created,
                contextLength,
                inputModalities,
                outputModalities,
                supportedParameters,
                tokenizer,
                endpoints,
                List.of());
    }

    public boolean isEmbedding() {
        return EMBEDDING.equals(kind);
    }
}
