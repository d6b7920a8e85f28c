package dev.switchboard.router.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.router.provider.ProviderAdapter;
import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
import dev.switchboard.router.provider.UpstreamRequest;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.Map;

/** The OpenAI chat-completions family (OpenAI and the many providers that copy its API). */
@ApplicationScoped
public class OpenAiChatAdapter implements ProviderAdapter {

    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String family() {
        return "openai-chat";
    }

    @Override
    public UpstreamRequest toUpstream(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", endpoint.upstreamModel());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.add(message(message));
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("max_tokens", maxTokens);
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.seed() != null) {
            body.put("seed", request.seed());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name());
                if (tool.description() != null) {
                    function.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    function.set("parameters", tool.parameters());
                }
            }
        }
        if (request.toolChoice() != null && !request.toolChoice().isNull()) {
            body.set("tool_choice", request.toolChoice());
        }
        if (request.responseFormat() != null && !request.responseFormat().isNull()) {
            body.set("response_format", request.responseFormat());
        }
        String url = trimSlash(provider.baseUrl()) + "/chat/completions";
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode request", e);
        }
        return new UpstreamRequest(url, Map.of(
                "Authorization", "Bearer " + credential,
                "Content-Type", "application/json",
                "Accept", "text/event-stream"), bytes);
    }

    private static ObjectNode message(ChatMessage message) {
        ObjectNode out = JSON.createObjectNode().put("role", message.role().wireName());
        boolean textOnly = message.content().stream().allMatch(p -> p instanceof ContentPart.Text);
        if (message.content().isEmpty()) {
            out.putNull("content");
        } else if (textOnly) {
            out.put("content", message.text());
        } else {
            ArrayNode parts = out.putArray("content");
            for (ContentPart part : message.content()) {
                switch (part) {
                    case ContentPart.Text(String text) -> parts.addObject().put("type", "text").put("text", text);
                    case ContentPart.Image(String url, String detail) -> {
                        ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                        if (detail != null) {
                            image.put("detail", detail);
                        }
                    }
                }
            }
        }
        if (message.name() != null) {
            out.put("name", message.name());
        }
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function")
                        .putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        if (message.toolCallId() != null) {
            out.put("tool_call_id", message.toolCallId());
        }
        return out;
    }

    @Override
    public StreamTranslator newTranslator(EndpointSpec endpoint) {
        return new OpenAiStreamTranslator();
    }

    @Override
    public UpstreamFailure classifyError(int httpStatus, byte[] body) {
        ErrorClass errorClass = ErrorClass.fromUpstreamStatus(httpStatus);
        String message = "provider answered HTTP " + httpStatus;
        try {
            JsonNode error = JSON.readTree(body).path("error");
            String code = error.path("code").asText("");
            if ("context_length_exceeded".equals(code)) {
                errorClass = ErrorClass.CONTEXT_LENGTH_EXCEEDED;
            } else if ("content_filter".equals(code) || "content_policy_violation".equals(code)) {
                errorClass = ErrorClass.CONTENT_FILTERED;
            }
            if (error.path("message").isTextual()) {
                message = message + ": " + truncate(error.path("message").asText());
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the status alone classifies it
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    @Override
    public boolean embeds() {
        return true;
    }

    @Override
    public UpstreamRequest toEmbeddings(ProviderSpec provider, EndpointSpec endpoint, java.util.List<String> inputs, Integer dimensions,
                                        String credential) {
        ObjectNode body = JSON.createObjectNode().put("model", endpoint.upstreamModel()).put("encoding_format", "float");
        ArrayNode input = body.putArray("input");
        inputs.forEach(input::add);
        if (dimensions != null) {
            body.put("dimensions", dimensions);
        }
        try {
            return new UpstreamRequest(trimSlash(provider.baseUrl()) + "/embeddings", Map.of(
                    "Authorization", "Bearer " + credential, "Content-Type", "application/json"), JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode request", e);
        }
    }

    @Override
    public Embeddings readEmbeddings(byte[] body, int expected) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw UpstreamFailure.malformed("embeddings response is not JSON");
        }
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
            float[] v = new float[vector.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) vector.get(i).asDouble();
            }
            ordered[index] = v;
        }
        JsonNode tokens = root.path("usage").path("prompt_tokens");
        return new Embeddings(java.util.List.of(ordered), tokens.isInt() ? tokens.asInt() : null);
    }

    static String truncate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
