package dev.switchboard.edge.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.dialect.JsonBodies;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.Reasoning;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Sort;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;
import dev.switchboard.wire.ToolChoice;

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

    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high");

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
                suffixSort = Sort.THROUGHPUT.wireName();
                id = id.substring(0, id.length() - ":nitro".length());
            } else if (id.endsWith(":floor")) {
                suffixSort = Sort.PRICE.wireName();
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
        Boolean logprobs = JsonBodies.optionalBool(root, "logprobs", "logprobs");
        Integer topLogprobs = JsonBodies.intBetween(root, "top_logprobs", "top_logprobs", 0, 20);
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw field("top_logprobs", "needs logprobs: true");
        }
        Sampling sampling = new Sampling(
                maxTokens,
                number(root, "temperature", 0, 2),
                number(root, "top_p", 0, 1),
                JsonBodies.intBetween(root, "top_k", "top_k", 0, Integer.MAX_VALUE),
                number(root, "frequency_penalty", -2, 2),
                number(root, "presence_penalty", -2, 2),
                seed(root),
                stop(root.path("stop")),
                logprobs,
                topLogprobs);
        List<Tool> tools = tools(root.path("tools"));
        return new ChatRequest(
                List.copyOf(models),
                messages,
                sampling,
                tools,
                toolChoice(root, tools),
                JsonBodies.optionalBool(root, "parallel_tool_calls", "parallel_tool_calls"),
                responseFormat(root),
                reasoning(root),
                JsonBodies.bool(root, "stream"),
                root.hasNonNull("user") ? requireString(root.get("user"), "user") : null,
                routing);
    }

    /** OpenRouter's {@code reasoning} object, or OpenAI's {@code reasoning_effort}. */
    static Reasoning reasoning(JsonNode root) {
        JsonNode reasoning = root.path("reasoning");
        if (!reasoning.isMissingNode() && !reasoning.isNull()) {
            if (!reasoning.isObject()) {
                throw field("reasoning", "must be an object");
            }
            Boolean enabled = JsonBodies.optionalBool(reasoning, "enabled", "reasoning.enabled");
            String effort = effort(reasoning.path("effort"), "reasoning.effort");
            Integer maxTokens =
                    JsonBodies.intBetween(reasoning, "max_tokens", "reasoning.max_tokens", 1, Integer.MAX_VALUE);
            boolean exclude = Boolean.TRUE.equals(JsonBodies.optionalBool(reasoning, "exclude", "reasoning.exclude"));
            if (Boolean.FALSE.equals(enabled) || "none".equals(effort)) {
                return null;
            }
            return new Reasoning("none".equals(effort) ? null : effort, maxTokens, exclude);
        }
        String effort = effort(root.path("reasoning_effort"), "reasoning_effort");
        return effort == null || "none".equals(effort) ? null : new Reasoning(effort, null, false);
    }

    private static String effort(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String effort = requireString(node, path);
        if (!EFFORTS.contains(effort)) {
            throw field(path, "must be one of none, minimal, low, medium, high");
        }
        return effort;
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

    private static ToolChoice toolChoice(JsonNode root, List<Tool> tools) {
        JsonNode node = root.path("tool_choice");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required", "any" -> ToolChoice.REQUIRED;
                default -> throw field("tool_choice", "must be none, auto, required or an object naming a function");
            };
        }
        if (!node.isObject()) {
            throw field("tool_choice", "must be a string or an object");
        }
        String name = requireString(node.path("function").path("name"), "tool_choice.function.name");
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw field("tool_choice.function.name", "must name one of the tools");
        }
        return ToolChoice.tool(name);
    }

    private static ResponseFormat responseFormat(JsonNode root) {
        JsonNode node = root.path("response_format");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject() || !node.path("type").isTextual()) {
            throw field("response_format", "must be an object with a type");
        }
        return switch (node.path("type").asText()) {
            case "text" -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode schema = node.path("json_schema");
                if (!schema.isObject() || !schema.path("schema").isObject()) {
                    throw field("response_format.json_schema.schema", "must be a JSON Schema object");
                }
                yield new ResponseFormat(
                        ResponseFormat.Type.JSON_SCHEMA,
                        schema.hasNonNull("name")
                                ? requireString(schema.get("name"), "response_format.json_schema.name")
                                : null,
                        schema.path("description").isTextual()
                                ? schema.get("description").asText()
                                : null,
                        schema.get("schema"),
                        JsonBodies.optionalBool(schema, "strict", "response_format.json_schema.strict"));
            }
            default -> throw field("response_format.type", "must be text, json_object or json_schema");
        };
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
        if (sort != null && Sort.of(sort) == null) {
            throw field("provider.sort", "must be " + Sort.choices());
        }
        String dataCollection = provider.hasNonNull("data_collection")
                ? requireString(provider.get("data_collection"), "provider.data_collection")
                : "allow";
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
        return new RoutingPreferences(
                names(provider, "order"),
                !provider.hasNonNull("allow_fallbacks") || flag(provider, "allow_fallbacks"),
                flag(provider, "require_parameters"),
                "deny".equals(dataCollection),
                flag(provider, "zdr"),
                names(provider, "only"),
                names(provider, "ignore"),
                names(provider, "quantizations"),
                sort,
                maxPrompt,
                maxCompletion);
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
            out.add(requireString(node.get(i), "provider." + name + "[" + i + "]")
                    .toLowerCase(java.util.Locale.ROOT));
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
                toolCalls.add(new ToolCall(
                        requireString(call.path("id"), callPath + ".id"),
                        requireString(function.path("name"), callPath + ".function.name"),
                        function.path("arguments").isTextual()
                                ? function.get("arguments").asText()
                                : "{}"));
            }
        }
        List<ReasoningPart> reasoning = List.of();
        if (role == ChatMessage.Role.ASSISTANT) {
            ReasoningDetails.Read read = ReasoningDetails.read(node, toolCalls, path);
            reasoning = read.parts();
            toolCalls = read.toolCalls();
        }
        if (content.isEmpty() && toolCalls.isEmpty() && role != ChatMessage.Role.ASSISTANT) {
            throw field(path + ".content", "is required");
        }
        String toolCallId = null;
        if (role == ChatMessage.Role.TOOL) {
            toolCallId = requireString(node.path("tool_call_id"), path + ".tool_call_id");
        }
        String name = node.hasNonNull("name") ? requireString(node.get("name"), path + ".name") : null;
        return new ChatMessage(role, content, name, toolCalls, toolCallId, reasoning);
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
                case "text" ->
                    parts.add(new ContentPart.Text(
                            requireString(part.path("text"), partPath + ".text"), cacheControl(part, partPath)));
                case "image_url" -> {
                    JsonNode image = part.path("image_url");
                    String url = image.isTextual()
                            ? image.asText()
                            : requireString(image.path("url"), partPath + ".image_url.url");
                    parts.add(new ContentPart.Image(
                            url,
                            image.path("detail").isTextual()
                                    ? image.get("detail").asText()
                                    : null));
                }
                case "file" -> {
                    JsonNode file = part.path("file");
                    if (!file.isObject()
                            || !(file.path("file_data").isTextual()
                                    || file.path("file_id").isTextual())) {
                        throw field(partPath + ".file", "must be an object with file_data or file_id");
                    }
                    String data = file.path("file_data").isTextual()
                            ? file.get("file_data").asText()
                            : null;
                    parts.add(new ContentPart.File(
                            file.path("filename").isTextual()
                                    ? file.get("filename").asText()
                                    : null,
                            data,
                            data != null && data.startsWith("data:")
                                    ? data.substring(5, Math.max(5, data.indexOf(';')))
                                    : null,
                            file.path("file_id").isTextual()
                                    ? file.get("file_id").asText()
                                    : null));
                }
                case "input_audio" -> {
                    JsonNode audio = part.path("input_audio");
                    parts.add(new ContentPart.Audio(
                            requireString(audio.path("data"), partPath + ".input_audio.data"),
                            requireString(audio.path("format"), partPath + ".input_audio.format")));
                }
                default -> throw field(partPath + ".type", "must be text, image_url, file or input_audio");
            }
        }
        return parts;
    }

    /** OpenRouter and Anthropic clients mark prompt-cache breakpoints on text parts. */
    private static JsonNode cacheControl(JsonNode part, String path) {
        JsonNode cache = part.path("cache_control");
        if (cache.isMissingNode() || cache.isNull()) {
            return null;
        }
        if (!cache.isObject()) {
            throw field(path + ".cache_control", "must be an object");
        }
        return cache;
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
            tools.add(new Tool(
                    requireString(function.path("name"), path + ".function.name"),
                    function.path("description").isTextual()
                            ? function.get("description").asText()
                            : null,
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
