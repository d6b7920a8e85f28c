package dev.switchboard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How one OpenAI-compatible provider departs from OpenAI: data, so a profile is read in one place
 * and overridable in the config file ({@code "quirks"}, snake_case field names).
 *
 * @param toolCallIdPrefix         prefix of the tool-call ids the provider generates
 * @param toolCallIdLength         alphanumerics after the prefix
 * @param toolCallIdPattern        tool-call ids in requests must match this (422 otherwise); null: any
 * @param usageAlways              usage rides on the finish chunk without {@code stream_options}
 * @param extraForbidden           top-level request fields refused with 422 "Extra inputs are not permitted"
 * @param maxTokensUnsupportedFor  model-name prefixes for which {@code max_tokens} is refused (400)
 * @param reasoningField           the message/delta field reasoning text is sent in
 * @param reasonsWhenModelContains models whose name contains this always reason; null: none
 * @param citations                a top-level {@code citations} array rides on every response and chunk
 * @param seedField                the request field holding the sampling seed
 * @param errorStyle               the shape of this provider's error bodies
 * @param openAiExtras             answers carry OpenAI's own additions ({@code refusal}, {@code system_fingerprint},
 *                                 usage details); Mistral's closed schemas have none of them
 * @param wholeToolCalls           a streamed tool call arrives in one chunk (id, name and all its arguments), as
 *                                 Mistral sends them, instead of a head followed by argument fragments
 */
public record Quirks(
        String toolCallIdPrefix,
        int toolCallIdLength,
        String toolCallIdPattern,
        boolean usageAlways,
        List<String> extraForbidden,
        List<String> maxTokensUnsupportedFor,
        String reasoningField,
        String reasonsWhenModelContains,
        boolean citations,
        String seedField,
        ErrorStyle errorStyle,
        boolean openAiExtras,
        boolean wholeToolCalls) {

    public enum ErrorStyle {
        /** {@code {"error":{"message","type","param","code"}}} */
        OPENAI,
        /** {@code {"object":"error","message","type","param","code"}} */
        MISTRAL
    }

    /** Every OpenAI-compatible provider without a profile of its own. */
    public static final Quirks OPENAI_COMPATIBLE = new Quirks(
            "call_",
            24,
            null,
            false,
            List.of(),
            List.of(),
            "reasoning",
            null,
            false,
            "seed",
            ErrorStyle.OPENAI,
            true,
            false);

    private static final Quirks OPENAI = new Quirks(
            "call_",
            24,
            null,
            false,
            List.of(),
            List.of("o1", "o3", "o4", "gpt-5"),
            "reasoning",
            null,
            false,
            "seed",
            ErrorStyle.OPENAI,
            true,
            false);

    private static final Map<String, Quirks> BUILT_IN = Map.of(
            "openai", OPENAI,
            "azure", OPENAI,
            "mistral",
                    new Quirks(
                            "",
                            9,
                            "^[a-zA-Z0-9]{9}$",
                            true,
                            List.of(
                                    "stream_options",
                                    "seed",
                                    "max_completion_tokens",
                                    "logprobs",
                                    "top_logprobs",
                                    "user"),
                            List.of(),
                            "reasoning",
                            null,
                            false,
                            "random_seed",
                            ErrorStyle.MISTRAL,
                            false,
                            true),
            "deepseek",
                    new Quirks(
                            "call_",
                            24,
                            null,
                            false,
                            List.of(),
                            List.of(),
                            "reasoning_content",
                            "reasoner",
                            false,
                            "seed",
                            ErrorStyle.OPENAI,
                            true,
                            false),
            "perplexity",
                    new Quirks(
                            "call_",
                            24,
                            null,
                            true,
                            List.of(),
                            List.of(),
                            "reasoning",
                            null,
                            true,
                            "seed",
                            ErrorStyle.OPENAI,
                            true,
                            false));

    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static Quirks builtIn(String provider) {
        return BUILT_IN.getOrDefault(provider, OPENAI_COMPATIBLE);
    }

    /** This profile with the fields named in {@code overrides} (snake_case) replaced. */
    public Quirks merge(JsonNode overrides) {
        if (!overrides.isObject()) {
            throw new IllegalArgumentException("quirks must be a JSON object");
        }
        ObjectNode merged = SNAKE.valueToTree(this);
        merged.setAll((ObjectNode) overrides);
        try {
            return SNAKE.treeToValue(merged, Quirks.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid quirks: " + e.getOriginalMessage(), e);
        }
    }

    public boolean rejectsMaxTokens(String model) {
        return maxTokensUnsupportedFor.stream().anyMatch(model::startsWith);
    }

    public boolean alwaysReasons(String model) {
        return reasonsWhenModelContains != null && model.contains(reasonsWhenModelContains);
    }

    public boolean acceptsToolCallId(String id) {
        return toolCallIdPattern == null
                || Pattern.compile(toolCallIdPattern).matcher(id).matches();
    }

    public String toolCallId(long seed) {
        return toolCallIdPrefix + Ids.alphanumeric(seed, toolCallIdLength);
    }
}
