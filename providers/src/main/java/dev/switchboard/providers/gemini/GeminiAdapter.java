package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.ProbeRequest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.Reasoning;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolChoice;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.switchboard.providers.Payloads.JSON;

/**
 * Google's Gemini API (AI Studio, {@code generativelanguage.googleapis.com/v1beta}):
 * {@code models/{model}:streamGenerateContent?alt=sse}. The key goes in the {@code x-goog-api-key}
 * header, never in the {@code key} query parameter, because URLs end up in logs.
 */
@ApplicationScoped
public class GeminiAdapter implements ProviderAdapter {

    /**
     * The largest thinking budget sent. Gemini 2.5 Flash refuses budgets above 24576 (2.5 Pro
     * above 32768), and an effort level's share of a 65535-token cap is far more, so a budget is
     * capped here rather than failing the request.
     */
    static final int MAX_THINKING_BUDGET = 24576;

    @Override
    public String family() {
        return "gemini";
    }

    /** The model list, {@code {base}/models}. */
    @Override
    public Optional<ProbeRequest> probe(ProviderSpec provider, String credential) {
        String url = Payloads.trimSlash(provider.baseUrl()) + "/models";
        return Optional.of(new ProbeRequest(url, credential == null ? Map.of() : Map.of("x-goog-api-key", credential)));
    }

    @Override
    public UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        ObjectNode body = Payloads.object();
        GeminiContents.write(request.messages(), body);
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool tool : request.tools()) {
                ObjectNode declaration = declarations.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    declaration.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    // full JSON Schema; the older "parameters" takes only an OpenAPI subset and refuses common keywords
                    declaration.set("parametersJsonSchema", tool.parameters());
                }
            }
            if (request.toolChoice() != null) {
                body.putObject("toolConfig").set("functionCallingConfig", functionCallingConfig(request.toolChoice()));
            }
        }
        body.set("generationConfig", generationConfig(request, maxTokens));
        String url = Payloads.trimSlash(provider.baseUrl()) + "/models/"
                + URLEncoder.encode(endpoint.upstreamModel(), StandardCharsets.UTF_8)
                + ":streamGenerateContent?alt=sse";
        return new UpstreamRequest(url, headers(credential, "text/event-stream"), Payloads.bytes(body));
    }

    private static Map<String, String> headers(String credential, String accept) {
        return Map.of("x-goog-api-key", credential, "Content-Type", "application/json", "Accept", accept);
    }

    private static ObjectNode functionCallingConfig(ToolChoice choice) {
        ObjectNode config = Payloads.object();
        switch (choice.mode()) {
            case AUTO -> config.put("mode", "AUTO");
            case NONE -> config.put("mode", "NONE");
            case REQUIRED -> config.put("mode", "ANY");
            case TOOL ->
                config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.name());
        }
        return config;
    }

    private static ObjectNode generationConfig(ChatRequest request, int maxTokens) {
        Sampling s = request.sampling();
        ObjectNode config = Payloads.object().put("maxOutputTokens", maxTokens);
        if (s.temperature() != null) {
            config.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            config.put("topP", s.topP());
        }
        if (s.topK() != null) {
            config.put("topK", s.topK());
        }
        if (s.seed() != null) {
            config.put("seed", s.seed());
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = config.putArray("stopSequences");
            s.stop().forEach(stop::add);
        }
        if (s.presencePenalty() != null) {
            config.put("presencePenalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            config.put("frequencyPenalty", s.frequencyPenalty());
        }
        if (Boolean.TRUE.equals(s.logprobs())) {
            config.put("responseLogprobs", true);
            if (s.topLogprobs() != null) {
                config.put("logprobs", s.topLogprobs());
            }
        }
        ResponseFormat format = request.responseFormat();
        if (format != null) {
            switch (format.type()) {
                case TEXT -> config.put("responseMimeType", "text/plain");
                case JSON_OBJECT -> config.put("responseMimeType", "application/json");
                case JSON_SCHEMA -> {
                    // responseJsonSchema takes JSON Schema as it is; responseSchema only an OpenAPI subset
                    config.put("responseMimeType", "application/json");
                    config.set("responseJsonSchema", format.schema());
                }
            }
        }
        Reasoning reasoning = request.reasoning();
        if (reasoning != null) {
            config.putObject("thinkingConfig")
                    .put("thinkingBudget", Math.min(reasoning.budget(maxTokens), MAX_THINKING_BUDGET))
                    .put("includeThoughts", !reasoning.exclude());
        }
        return config;
    }

    @Override
    public StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request) {
        return new GeminiStreamTranslator();
    }

    @Override
    public UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body) {
        String message = "provider answered HTTP " + httpStatus;
        ErrorClass errorClass = ErrorClass.fromUpstreamStatus(httpStatus);
        JsonNode error = errorObject(body);
        if (error != null) {
            errorClass = errorClass(error, errorClass);
            if (error.path("message").isTextual()) {
                message = message + ": "
                        + UpstreamFailure.truncate(error.path("message").asText());
            }
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    /** The {@code error} object of an error body; Google's array-framed streams wrap it in a one-element array. */
    private static JsonNode errorObject(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (root != null && root.isArray() && !root.isEmpty()) {
            root = root.get(0);
        }
        return root != null && root.path("error").isObject() ? root.path("error") : null;
    }

    /**
     * Google's canonical status names, which are more precise than the HTTP status: an invalid key is
     * a 400 {@code INVALID_ARGUMENT} with an {@code API_KEY_*} reason, an oversized prompt is one whose
     * message names the token count. {@code FAILED_PRECONDITION} is what Google answers when the
     * project cannot use the API at all (billing not enabled, region not served): a problem of the
     * provider account, not of the request, so another provider may serve it.
     */
    static ErrorClass errorClass(JsonNode error, ErrorClass fallback) {
        String message = error.path("message").asText("").toLowerCase(Locale.ROOT);
        return switch (error.path("status").asText("")) {
            case "INVALID_ARGUMENT" -> {
                if (apiKeyRejected(error)) {
                    yield ErrorClass.AUTH;
                }
                yield message.contains("token count") && message.contains("exceeds")
                        ? ErrorClass.CONTEXT_LENGTH_EXCEEDED
                        : ErrorClass.BAD_REQUEST;
            }
            case "FAILED_PRECONDITION", "PERMISSION_DENIED", "UNAUTHENTICATED" -> ErrorClass.AUTH;
            case "NOT_FOUND" -> ErrorClass.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> ErrorClass.RATE_LIMITED;
            case "UNAVAILABLE" -> ErrorClass.OVERLOADED;
            case "DEADLINE_EXCEEDED" -> ErrorClass.TIMEOUT;
            case "INTERNAL", "UNKNOWN", "CANCELLED", "ABORTED", "DATA_LOSS" -> ErrorClass.UPSTREAM;
            default -> {
                int code = error.path("code").asInt(0);
                yield code >= 400 ? ErrorClass.fromUpstreamStatus(code) : fallback;
            }
        };
    }

    private static boolean apiKeyRejected(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.path("reason").asText("").startsWith("API_KEY_")) {
                return true;
            }
        }
        return error.path("message").asText("").startsWith("API key");
    }

    @Override
    public boolean embeds() {
        return true;
    }

    @Override
    public UpstreamRequest toEmbeddings(
            ProviderSpec provider, EndpointSpec endpoint, List<String> inputs, Integer dimensions, String credential) {
        String model = endpoint.upstreamModel();
        ObjectNode body = Payloads.object();
        ArrayNode requests = body.putArray("requests");
        for (String input : inputs) {
            ObjectNode request = requests.addObject().put("model", "models/" + model);
            request.putObject("content").putArray("parts").addObject().put("text", input);
            if (dimensions != null) {
                request.put("outputDimensionality", dimensions);
            }
        }
        String url = Payloads.trimSlash(provider.baseUrl()) + "/models/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8) + ":batchEmbedContents";
        return new UpstreamRequest(url, headers(credential, "application/json"), Payloads.bytes(body));
    }

    /** Vectors come in request order; newer responses add {@code usageMetadata.promptTokenCount}, older ones count nothing. */
    @Override
    public Embeddings readEmbeddings(byte[] body, int expected) {
        JsonNode root = Payloads.tryParse(body);
        JsonNode embeddings = root == null ? null : root.path("embeddings");
        if (embeddings == null || !embeddings.isArray() || embeddings.size() != expected) {
            throw UpstreamFailure.malformed("expected " + expected + " embeddings");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode values = embeddings.get(i).path("values");
            if (!values.isArray()) {
                throw UpstreamFailure.malformed("embedding without values");
            }
            vectors[i] = Payloads.floats(values);
        }
        JsonNode tokens = root.path("usageMetadata").path("promptTokenCount");
        return new Embeddings(List.of(vectors), tokens.isInt() ? tokens.asInt() : null);
    }
}
