package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads an OpenAI / OpenRouter chat-completions body into the internal request. Unknown fields
 * are ignored, as OpenAI does; a known field of the wrong type or out of range is a 400 naming
 * the field's path (e.g. {@code messages[2].role}).
 */
public final class OpenAiRequestParser {

    private final ObjectMapper mapper;

    public OpenAiRequestParser(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public ChatRequest parse(byte[] body) {
        JsonNode root;
        try (JsonParser parser = mapper.createParser(body)) {
            root = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw EdgeException.badRequest("Malformed JSON body: trailing content after the JSON object");
            }
        } catch (IOException e) {
            throw EdgeException.badRequest("Malformed JSON body: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw EdgeException.badRequest("Request body must be a JSON object");
        }
        LinkedHashSet<String> models = new LinkedHashSet<>();
        JsonNode model = root.path("model");
        if (!model.isMissingNode() && !model.isNull()) {
            models.add(requireString(model, "model"));
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

        JsonNode messagesNode = root.path("messages");
        if (!messagesNode.isArray() || messagesNode.isEmpty()) {
            throw field("messages", "must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }

        Integer maxTokens = positiveInt(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(root, "max_tokens");
        }
        Double temperature = number(root, "temperature", 0, 2);
        Double topP = number(root, "top_p", 0, 1);
        Long seed = root.hasNonNull("seed") ? integer(root.get("seed"), "seed") : null;
        List<String> stop = stop(root.path("stop"));
        List<Tool> tools = tools(root.path("tools"));
        JsonNode toolChoice = root.hasNonNull("tool_choice") ? root.get("tool_choice") : null;
        if (toolChoice != null && !toolChoice.isTextual() && !toolChoice.isObject()) {
            throw field("tool_choice", "must be a string or an object");
        }
        JsonNode responseFormat = root.hasNonNull("response_format") ? root.get("response_format") : null;
        if (responseFormat != null && (!responseFormat.isObject() || !responseFormat.path("type").isTextual())) {
            throw field("response_format", "must be an object with a type");
        }
        boolean stream = false;
        if (root.hasNonNull("stream")) {
            if (!root.get("stream").isBoolean()) {
                throw field("stream", "must be a boolean");
            }
            stream = root.get("stream").asBoolean();
        }
        String user = root.hasNonNull("user") ? requireString(root.get("user"), "user") : null;
        return new ChatRequest(List.copyOf(models), messages, maxTokens, temperature, topP, seed, stop, tools, toolChoice,
                responseFormat, stream, user);
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

    private static List<String> stop(JsonNode node) {
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

    private static Integer positiveInt(JsonNode root, String name) {
        if (!root.hasNonNull(name)) {
            return null;
        }
        long value = integer(root.get(name), name);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw field(name, "must be a positive integer");
        }
        return (int) value;
    }

    private static long integer(JsonNode node, String name) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw field(name, "must be an integer");
        }
        return node.asLong();
    }

    private static Double number(JsonNode root, String name, double min, double max) {
        if (!root.hasNonNull(name)) {
            return null;
        }
        JsonNode node = root.get(name);
        if (!node.isNumber()) {
            throw field(name, "must be a number");
        }
        double value = node.asDouble();
        if (value < min || value > max) {
            throw field(name, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static String requireString(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw field(path, node.isMissingNode() || node.isNull() ? "is required" : "must be a string");
        }
        return node.asText();
    }

    private static void requireArray(JsonNode node, String path) {
        if (!node.isArray()) {
            throw field(path, "must be an array");
        }
    }

    private static EdgeException field(String path, String problem) {
        return new EdgeException(400, path + " " + problem, Map.of("field", path));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
