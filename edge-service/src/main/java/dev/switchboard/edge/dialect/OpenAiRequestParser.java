package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.switchboard.edge.dialect.JsonBodies.field;
import static dev.switchboard.edge.dialect.JsonBodies.number;
import static dev.switchboard.edge.dialect.JsonBodies.positiveInt;
import static dev.switchboard.edge.dialect.JsonBodies.requireArray;
import static dev.switchboard.edge.dialect.JsonBodies.requireString;

/**
 * Reads an OpenAI / OpenRouter chat-completions body into the internal request, with OpenRouter's
 * extras: {@code models} (fallbacks), the {@code provider} object and the {@code :nitro} /
 * {@code :floor} model suffixes. Unknown fields are ignored, as OpenAI does; a known field of the
 * wrong type or out of range is a 400 naming the field's path (e.g. {@code messages[2].role}).
 */
public final class OpenAiRequestParser {

    private static final Set<String> SORTS = Set.of("price", "throughput", "latency");

    private final JsonBodies bodies;

    public OpenAiRequestParser(int maxDepth) {
        this.bodies = new JsonBodies(maxDepth);
    }

    public ChatRequest parse(byte[] body) {
        return parse(bodies.object(body));
    }

    public ChatRequest parse(JsonNode root) {
        LinkedHashSet<String> models = new LinkedHashSet<>();
        String suffixSort = null;
        JsonNode model = root.path("model");
        if (!model.isMissingNode() && !model.isNull()) {
            String id = requireString(model, "model");
            if (id.endsWith(":nitro")) {
                suffixSort = "throughput";
                id = id.substring(0, id.length() - ":nitro".length());
            } else if (id.endsWith(":floor")) {
                suffixSort = "price";
                id = id.substring(0, id.length() - ":floor".length());
            }
            models.add(id);
        }
        JsonNode fallbacks = root.path("models");
        if (!fallbacks.isMissingNode() && !fallbacks.isNull()) {
            requireArray(fallbacks, "models");
            for (int i = 0; i < fallbacks.size(); i++) {
                models.add(requireString(fallbacks.get(i), "models[" + i + "]"));
            }
        }
        if (models.isEmpty()) {
            throw field("model", "is required");
        }
        for (String m : models) {
            if (m.isBlank() || m.length() > 200) {
                throw field("model", "must be a model id such as openai/gpt-4o-mini");
            }
        }
        List<ChatMessage> messages = messages(root.path("messages"), "messages");
        Integer maxTokens = positiveInt(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(root, "max_tokens");
        }
        RoutingPreferences routing = routing(root.path("provider"));
        if (suffixSort != null && routing.sort() == null) {
            routing = routing.withSort(suffixSort);
        }
        return new ChatRequest(List.copyOf(models), messages, maxTokens, number(root, "temperature", 0, 2), number(root, "top_p", 0, 1),
                seed(root), stop(root.path("stop")), tools(root.path("tools")), toolChoice(root), responseFormat(root),
                JsonBodies.bool(root, "stream"), root.hasNonNull("user") ? requireString(root.get("user"), "user") : null, routing);
    }

    static List<ChatMessage> messages(JsonNode node, String path) {
        if (!node.isArray() || node.isEmpty()) {
            throw field(path, "must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), path + "[" + i + "]"));
        }
        return messages;
    }

    private static Long seed(JsonNode root) {
        if (!root.hasNonNull("seed")) {
            return null;
        }
        JsonNode node = root.get("seed");
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw field("seed", "must be an integer");
        }
        return node.asLong();
    }

    private static JsonNode toolChoice(JsonNode root) {
        JsonNode toolChoice = root.hasNonNull("tool_choice") ? root.get("tool_choice") : null;
        if (toolChoice != null && !toolChoice.isTextual() && !toolChoice.isObject()) {
            throw field("tool_choice", "must be a string or an object");
        }
        return toolChoice;
    }

    private static JsonNode responseFormat(JsonNode root) {
        JsonNode responseFormat = root.hasNonNull("response_format") ? root.get("response_format") : null;
        if (responseFormat != null && (!responseFormat.isObject() || !responseFormat.path("type").isTextual())) {
            throw field("response_format", "must be an object with a type");
        }
        return responseFormat;
    }

    /** OpenRouter's {@code provider} object. */
    static RoutingPreferences routing(JsonNode provider) {
        if (provider.isMissingNode() || provider.isNull()) {
            return RoutingPreferences.DEFAULT;
        }
        if (!provider.isObject()) {
            throw field("provider", "must be an object");
        }
        String sort = provider.hasNonNull("sort") ? requireString(provider.get("sort"), "provider.sort") : null;
        if (sort != null && !SORTS.contains(sort)) {
            throw field("provider.sort", "must be price, throughput or latency");
        }
        String dataCollection = provider.hasNonNull("data_collection") ? requireString(provider.get("data_collection"), "provider.data_collection") : "allow";
        if (!"allow".equals(dataCollection) && !"deny".equals(dataCollection)) {
            throw field("provider.data_collection", "must be allow or deny");
        }
        Long maxPrompt = null;
        Long maxCompletion = null;
        JsonNode maxPrice = provider.path("max_price");
        if (!maxPrice.isMissingNode() && !maxPrice.isNull()) {
            if (!maxPrice.isObject()) {
                throw field("provider.max_price", "must be an object of USD per million tokens");
            }
            maxPrompt = picoPerToken(maxPrice.path("prompt"), "provider.max_price.prompt");
            maxCompletion = picoPerToken(maxPrice.path("completion"), "provider.max_price.completion");
        }
        return new RoutingPreferences(names(provider, "order"), !provider.hasNonNull("allow_fallbacks") || flag(provider, "allow_fallbacks"),
                flag(provider, "require_parameters"), "deny".equals(dataCollection), flag(provider, "zdr"),
                names(provider, "only"), names(provider, "ignore"), names(provider, "quantizations"), sort, maxPrompt, maxCompletion);
    }

    private static boolean flag(JsonNode provider, String name) {
        if (!provider.hasNonNull(name)) {
            return false;
        }
        if (!provider.get(name).isBoolean()) {
            throw field("provider." + name, "must be a boolean");
        }
        return provider.get(name).asBoolean();
    }

    private static List<String> names(JsonNode provider, String name) {
        JsonNode node = provider.path(name);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        requireArray(node, "provider." + name);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(requireString(node.get(i), "provider." + name + "[" + i + "]").toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private static Long picoPerToken(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.decimalValue().signum() < 0) {
            throw field(path, "must be a non-negative number of USD per million tokens");
        }
        // USD per million tokens → pico-USD per token: × 10^12 / 10^6
        return node.decimalValue().multiply(BigDecimal.valueOf(1_000_000L)).longValue();
    }

    private static ChatMessage message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw field(path, "must be an object");
        }
        String roleName = requireString(node.path("role"), path + ".role");
        ChatMessage.Role role;
        try {
            role = ChatMessage.Role.parse(roleName);
        } catch (IllegalArgumentException e) {
            throw field(path + ".role", "must be one of system, developer, user, assistant, tool");
        }
        List<ContentPart> content = content(node.path("content"), path + ".content");
        List<ToolCall> toolCalls = new ArrayList<>();
        JsonNode calls = node.path("tool_calls");
        if (!calls.isMissingNode() && !calls.isNull()) {
            requireArray(calls, path + ".tool_calls");
            for (int i = 0; i < calls.size(); i++) {
                String callPath = path + ".tool_calls[" + i + "]";
                JsonNode call = calls.get(i);
                JsonNode function = call.path("function");
                if (!function.isObject()) {
                    throw field(callPath + ".function", "must be an object");
                }
                toolCalls.add(new ToolCall(requireString(call.path("id"), callPath + ".id"),
                        requireString(function.path("name"), callPath + ".function.name"),
                        function.path("arguments").isTextual() ? function.get("arguments").asText() : "{}"));
            }
        }
        if (content.isEmpty() && toolCalls.isEmpty() && role != ChatMessage.Role.ASSISTANT) {
            throw field(path + ".content", "is required");
        }
        String toolCallId = null;
        if (role == ChatMessage.Role.TOOL) {
            toolCallId = requireString(node.path("tool_call_id"), path + ".tool_call_id");
        }
        String name = node.hasNonNull("name") ? requireString(node.get("name"), path + ".name") : null;
        return new ChatMessage(role, content, name, toolCalls, toolCallId);
    }

    private static List<ContentPart> content(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(new ContentPart.Text(node.asText()));
        }
        if (!node.isArray()) {
            throw field(path, "must be a string or an array of content parts");
        }
        List<ContentPart> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String partPath = path + "[" + i + "]";
            JsonNode part = node.get(i);
            String type = requireString(part.path("type"), partPath + ".type");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(requireString(part.path("text"), partPath + ".text")));
                case "image_url" -> {
                    JsonNode image = part.path("image_url");
                    String url = image.isTextual() ? image.asText() : requireString(image.path("url"), partPath + ".image_url.url");
                    parts.add(new ContentPart.Image(url, image.path("detail").isTextual() ? image.get("detail").asText() : null));
                }
                default -> throw field(partPath + ".type", "must be text or image_url");
            }
        }
        return parts;
    }

    private static List<Tool> tools(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        requireArray(node, "tools");
        List<Tool> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode function = node.get(i).path("function");
            if (!function.isObject()) {
                throw field(path + ".function", "must be an object");
            }
            JsonNode parameters = function.path("parameters");
            if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
                throw field(path + ".function.parameters", "must be a JSON Schema object");
            }
            tools.add(new Tool(requireString(function.path("name"), path + ".function.name"),
                    function.path("description").isTextual() ? function.get("description").asText() : null,
                    parameters.isObject() ? parameters : null));
        }
        return tools;
    }

    static List<String> stop(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        requireArray(node, "stop");
        if (node.size() > 4) {
            throw field("stop", "has at most 4 sequences");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(requireString(node.get(i), "stop[" + i + "]"));
        }
        return out;
    }
}
