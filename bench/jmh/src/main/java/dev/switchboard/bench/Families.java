package dev.switchboard.bench;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.anthropic.AnthropicMessagesAdapter;
import dev.switchboard.providers.bedrock.BedrockConverseAdapter;
import dev.switchboard.providers.cohere.CohereAdapter;
import dev.switchboard.providers.gemini.GeminiAdapter;
import dev.switchboard.providers.openai.OpenAiChatAdapter;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.WireCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The five wire families as the benchmarks use them: one catalog provider of each, its first chat
 * model, the router's own adapter, and the two request shapes measured (a text answer, and a
 * tool call whose arguments stream in fragments).
 */
public enum Families {
    OPENAI("openai", new OpenAiChatAdapter()),
    ANTHROPIC("anthropic", new AnthropicMessagesAdapter()),
    GEMINI("google", new GeminiAdapter()),
    COHERE("cohere", new CohereAdapter()),
    BEDROCK("bedrock", new BedrockConverseAdapter(Clock.systemUTC()));

    /** The request shapes: the family's text stream, or its tool-call stream. */
    public enum Shape {
        TEXT,
        TOOLS
    }

    private static final Catalog CATALOG = CatalogLoader.builtIn();

    final String provider;
    final ProviderAdapter adapter;

    Families(String provider, ProviderAdapter adapter) {
        this.provider = provider;
        this.adapter = adapter;
    }

    ProviderSpec spec() {
        return CATALOG.requireProvider(provider);
    }

    /** The provider pointed at a simulator: {@code <simulator>/<provider><path of the real base URL>}. */
    ProviderSpec specAt(String simulatorBase) {
        Function<String, Optional<String>> override = name -> Optional.of(simulatorBase + "/" + name
                + java.net.URI.create(CATALOG.requireProvider(name).baseUrl()).getPath());
        return CATALOG.withBaseUrlOverrides(override).requireProvider(provider);
    }

    EndpointSpec endpoint() {
        ModelSpec model = CATALOG.models().stream()
                .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                .filter(m -> m.endpoints().stream().anyMatch(e -> e.provider().equals(provider)))
                .findFirst()
                .orElseThrow();
        return CATALOG.endpoint(model.id(), provider).orElseThrow();
    }

    ChatRequest request(Shape shape) {
        List<Tool> tools = shape == Shape.TOOLS
                ? List.of(
                        new Tool(
                                "lookup",
                                "Looks up a fact",
                                json(
                                        "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\"]}")))
                : List.of();
        return ChatRequest.of(
                        endpoint().model(),
                        List.of(ChatMessage.text(ChatMessage.Role.USER, "Tell me about the weather in Paris")),
                        true)
                .withSampling(Sampling.DEFAULT.withMaxTokens(4096))
                .withTools(tools);
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return WireCodec.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
