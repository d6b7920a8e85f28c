package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.BoundOptions;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.ProbeRequest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;
import dev.switchboard.wire.ToolChoice;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.switchboard.providers.Payloads.JSON;

/**
 * The OpenAI chat-completions family: OpenAI and the many providers that copy its API (Azure
 * OpenAI, Groq, Together, Fireworks, DeepInfra, DeepSeek, xAI, Cerebras, Perplexity, Mistral).
 * Their differences are data ({@link OpenAiOptions}), not subclasses.
 */
@ApplicationScoped
public class OpenAiChatAdapter implements ProviderAdapter {

    private static final Pattern ALNUM9 = Pattern.compile("[a-zA-Z0-9]{9}");
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final BoundOptions<OpenAiOptions> options = new BoundOptions<>(this::configure);

    @Override
    public String family() {
        return "openai-chat";
    }

    /** The model list: {@code {base}/models}, or Azure's {@code {base}/openai/models?api-version=}, with the credential as requests carry it. */
    @Override
    public Optional<ProbeRequest> probe(ProviderSpec provider, String credential) {
        OpenAiOptions o = options(provider);
        String base = Payloads.trimSlash(provider.baseUrl());
        String url = o.azureDeployment()
                ? base + "/openai/models?api-version="
                        + java.net.URLEncoder.encode(o.apiVersion(), StandardCharsets.UTF_8)
                : base + "/models";
        if (credential == null) {
            return Optional.of(new ProbeRequest(url, Map.of()));
        }
        return Optional.of(new ProbeRequest(
                url, o.apiKeyHeader() ? Map.of("api-key", credential) : ProbeRequest.bearer(credential)));
    }

    @Override
    public OpenAiOptions configure(ProviderSpec provider) {
        return OpenAiOptions.of(provider);
    }

    private OpenAiOptions options(ProviderSpec provider) {
        return options.of(provider);
    }

    @Override
    public UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        OpenAiOptions o = options(provider);
        ObjectNode body = Payloads.object();
        body.put("model", endpoint.upstreamModel());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.add(message(message, o));
        }
        body.put("stream", true);
        if (!o.usageAlways()) {
            body.putObject("stream_options").put("include_usage", true);
        }
        body.put(o.maxTokensParam(), maxTokens);
        sampling(body, request.sampling(), o);
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name());
                if (tool.description() != null) {
                    function.put("description", tool.description());
                }
                function.set(
                        "parameters",
                        tool.parameters() != null
                                ? tool.parameters()
                                : Payloads.object().put("type", "object"));
            }
        }
        if (request.toolChoice() != null) {
            body.set("tool_choice", toolChoice(request.toolChoice()));
        }
        if (request.parallelToolCalls() != null && !request.tools().isEmpty()) {
            body.put("parallel_tool_calls", request.parallelToolCalls());
        }
        if (request.responseFormat() != null) {
            body.set("response_format", responseFormat(request.responseFormat()));
        }
        if (request.reasoning() != null && o.reasoningEffort()) {
            body.put("reasoning_effort", request.reasoning().effortOr(maxTokens));
        }
        if (request.user() != null && o.sendsUser()) {
            body.put("user", request.user());
        }
        return new UpstreamRequest(
                url(provider, endpoint, o, "chat/completions"), headers(o, credential, true), Payloads.bytes(body));
    }

    private static void sampling(ObjectNode body, Sampling s, OpenAiOptions o) {
        putIfSet(body, "temperature", s.temperature());
        putIfSet(body, "top_p", s.topP());
        putIfSet(body, "frequency_penalty", s.frequencyPenalty());
        putIfSet(body, "presence_penalty", s.presencePenalty());
        if (s.topK() != null && o.topK()) {
            body.put("top_k", s.topK());
        }
        if (s.seed() != null) {
            body.put(o.seedParam(), s.seed());
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            s.stop().forEach(stop::add);
        }
        if (Boolean.TRUE.equals(s.logprobs())) {
            body.put("logprobs", true);
            if (s.topLogprobs() != null) {
                body.put("top_logprobs", s.topLogprobs());
            }
        }
    }

    private static void putIfSet(ObjectNode body, String field, Double value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String url(ProviderSpec provider, EndpointSpec endpoint, OpenAiOptions o, String path) {
        String base = Payloads.trimSlash(provider.baseUrl());
        if (o.azureDeployment()) {
            return base + "/openai/deployments/"
                    + java.net.URLEncoder.encode(endpoint.upstreamModel(), StandardCharsets.UTF_8) + "/" + path
                    + "?api-version=" + java.net.URLEncoder.encode(o.apiVersion(), StandardCharsets.UTF_8);
        }
        return base + "/" + path;
    }

    private static Map<String, String> headers(OpenAiOptions o, String credential, boolean stream) {
        String accept = stream ? "text/event-stream" : "application/json";
        return o.apiKeyHeader()
                ? Map.of("api-key", credential, "Content-Type", "application/json", "Accept", accept)
                : Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json", "Accept", accept);
    }

    static JsonNode toolChoice(ToolChoice choice) {
        return switch (choice.mode()) {
            case AUTO -> JSON.getNodeFactory().textNode("auto");
            case NONE -> JSON.getNodeFactory().textNode("none");
            case REQUIRED -> JSON.getNodeFactory().textNode("required");
            case TOOL -> {
                ObjectNode named = Payloads.object().put("type", "function");
                named.putObject("function").put("name", choice.name());
                yield named;
            }
        };
    }

    static JsonNode responseFormat(ResponseFormat format) {
        ObjectNode out = Payloads.object();
        switch (format.type()) {
            case TEXT -> out.put("type", "text");
            case JSON_OBJECT -> out.put("type", "json_object");
            case JSON_SCHEMA -> {
                out.put("type", "json_schema");
                ObjectNode schema =
                        out.putObject("json_schema").put("name", format.name() == null ? "response" : format.name());
                if (format.description() != null) {
                    schema.put("description", format.description());
                }
                schema.set("schema", format.schema());
                if (format.strict() != null) {
                    schema.put("strict", format.strict());
                }
            }
        }
        return out;
    }

    private static ObjectNode message(ChatMessage message, OpenAiOptions o) {
        // "developer" is OpenAI's newer name for system; every provider of the family knows "system"
        String role = message.role() == ChatMessage.Role.DEVELOPER
                ? "system"
                : message.role().wireName();
        ObjectNode out = Payloads.object().put("role", role);
        boolean textOnly = message.content().stream().allMatch(p -> p instanceof ContentPart.Text);
        if (message.content().isEmpty()) {
            out.putNull("content");
        } else if (textOnly) {
            out.put("content", message.text());
        } else {
            ArrayNode parts = out.putArray("content");
            for (ContentPart part : message.content()) {
                parts.add(part(part));
            }
        }
        if (message.name() != null && message.role() != ChatMessage.Role.TOOL) {
            out.put("name", message.name());
        }
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                calls.addObject()
                        .put("id", toolCallId(call.id(), o))
                        .put("type", "function")
                        .putObject("function")
                        .put("name", call.name())
                        .put("arguments", call.arguments() == null ? "{}" : call.arguments());
            }
        }
        if (message.toolCallId() != null) {
            out.put("tool_call_id", toolCallId(message.toolCallId(), o));
        }
        return out;
    }

    private static ObjectNode part(ContentPart part) {
        ObjectNode out = Payloads.object();
        switch (part) {
            case ContentPart.Text text -> out.put("type", "text").put("text", text.text());
            case ContentPart.Image(String url, String detail) -> {
                ObjectNode image =
                        out.put("type", "image_url").putObject("image_url").put("url", url);
                if (detail != null) {
                    image.put("detail", detail);
                }
            }
            case ContentPart.File(String filename, String data, String mediaType, String fileId) -> {
                ObjectNode file = out.put("type", "file").putObject("file");
                if (fileId != null) {
                    file.put("file_id", fileId);
                }
                if (data != null) {
                    file.put("file_data", Payloads.asDataUrl(data, mediaType));
                }
                if (filename != null) {
                    file.put("filename", filename);
                }
            }
            case ContentPart.Audio(String data, String format) ->
                out.put("type", "input_audio")
                        .putObject("input_audio")
                        .put("data", data)
                        .put("format", format);
        }
        return out;
    }

    /** Mistral accepts only 9-alphanumeric ids: others (from another provider's earlier turn) are mapped the same way every time. */
    static String toolCallId(String id, OpenAiOptions o) {
        if (!o.shortToolCallIds() || id == null || ALNUM9.matcher(id).matches()) {
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            char[] out = new char[9];
            for (int i = 0; i < out.length; i++) {
                out[i] = ALPHABET[(hash[i] & 0xff) % ALPHABET.length];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request) {
        return new OpenAiStreamTranslator();
    }

    @Override
    public UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body) {
        ErrorClass errorClass = ErrorClass.fromUpstreamStatus(httpStatus);
        String message = "provider answered HTTP " + httpStatus;
        JsonNode root = Payloads.tryParse(body);
        if (root != null) {
            // OpenAI nests the error; Mistral and some others put message and type at the top level
            JsonNode error = root.path("error").isObject() ? root.path("error") : root;
            String code =
                    error.path("code").asText("") + " " + error.path("type").asText("");
            String text =
                    error.path("message").isTextual() ? error.path("message").asText() : null;
            if (code.contains("context_length_exceeded") || text != null && text.contains("maximum context length")) {
                errorClass = ErrorClass.CONTEXT_LENGTH_EXCEEDED;
            } else if (code.contains("content_filter") || code.contains("content_policy_violation")) {
                errorClass = ErrorClass.CONTENT_FILTERED;
            }
            if (text != null) {
                message = message + ": " + UpstreamFailure.truncate(text);
            }
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    @Override
    public boolean embeds() {
        return true;
    }

    @Override
    public UpstreamRequest toEmbeddings(
            ProviderSpec provider, EndpointSpec endpoint, List<String> inputs, Integer dimensions, String credential) {
        OpenAiOptions o = options(provider);
        ObjectNode body =
                Payloads.object().put("model", endpoint.upstreamModel()).put("encoding_format", "float");
        ArrayNode input = body.putArray("input");
        inputs.forEach(input::add);
        if (dimensions != null) {
            body.put(o.dimensionsParam(), dimensions);
        }
        return new UpstreamRequest(
                url(provider, endpoint, o, "embeddings"), headers(o, credential, false), Payloads.bytes(body));
    }

    @Override
    public Embeddings readEmbeddings(byte[] body, int expected) {
        JsonNode root = Payloads.tryParse(body);
        JsonNode data = root == null ? null : root.path("data");
        if (data == null || !data.isArray() || data.size() != expected) {
            throw UpstreamFailure.malformed("expected " + expected + " embeddings");
        }
        float[][] ordered = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode vector = item.path("embedding");
            if (index < 0 || index >= expected || !vector.isArray() || ordered[index] != null) {
                throw UpstreamFailure.malformed("embedding index or vector missing");
            }
            ordered[index] = Payloads.floats(vector);
        }
        JsonNode tokens = root.path("usage").path("prompt_tokens");
        return new Embeddings(List.of(ordered), tokens.isInt() ? tokens.asInt() : null);
    }
}
