package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.edge.dialect.JsonBodies.field;
import static dev.switchboard.edge.dialect.JsonBodies.number;
import static dev.switchboard.edge.dialect.JsonBodies.requireArray;
import static dev.switchboard.edge.dialect.JsonBodies.requireString;

/**
 * Reads an Anthropic Messages body ({@code POST /v1/messages}) into the internal request:
 * {@code system} (string or text blocks) becomes a system message; content blocks map to parts
 * ({@code text}, {@code image}), tool calls ({@code tool_use}) and tool messages
 * ({@code tool_result}); {@code stop_sequences}, {@code tools} ({@code input_schema}) and
 * {@code tool_choice} ({@code auto}/{@code any}/{@code tool}/{@code none}) map to their OpenAI
 * equivalents. {@code max_tokens} is required, as Anthropic requires it.
 */
public final class AnthropicRequestParser {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final JsonBodies bodies;

    public AnthropicRequestParser(int maxDepth) {
        this.bodies = new JsonBodies(maxDepth);
    }

    public ChatRequest parse(byte[] body) {
        JsonNode root = bodies.object(body);
        String model = requireString(root.path("model"), "model");
        Integer maxTokens = JsonBodies.positiveInt(root, "max_tokens");
        if (maxTokens == null) {
            throw field("max_tokens", "is required");
        }
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = root.path("system");
        if (system.isTextual()) {
            messages.add(ChatMessage.text(ChatMessage.Role.SYSTEM, system.asText()));
        } else if (system.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < system.size(); i++) {
                text.append(requireString(system.get(i).path("text"), "system[" + i + "].text"));
            }
            messages.add(ChatMessage.text(ChatMessage.Role.SYSTEM, text.toString()));
        } else if (!system.isMissingNode() && !system.isNull()) {
            throw field("system", "must be a string or an array of text blocks");
        }
        JsonNode turns = root.path("messages");
        if (!turns.isArray() || turns.isEmpty()) {
            throw field("messages", "must be a non-empty array");
        }
        for (int i = 0; i < turns.size(); i++) {
            turn(turns.get(i), "messages[" + i + "]", messages);
        }
        List<String> stop = List.of();
        if (root.hasNonNull("stop_sequences")) {
            requireArray(root.get("stop_sequences"), "stop_sequences");
            stop = new ArrayList<>();
            for (int i = 0; i < root.get("stop_sequences").size(); i++) {
                stop.add(requireString(root.get("stop_sequences").get(i), "stop_sequences[" + i + "]"));
            }
        }
        String user = root.path("metadata").path("user_id").isTextual() ? root.path("metadata").path("user_id").asText() : null;
        return new ChatRequest(List.of(model), messages, maxTokens, number(root, "temperature", 0, 1), number(root, "top_p", 0, 1), null,
                stop, tools(root.path("tools")), toolChoice(root.path("tool_choice")), null, JsonBodies.bool(root, "stream"), user,
                RoutingPreferences.DEFAULT);
    }

    private static void turn(JsonNode node, String path, List<ChatMessage> out) {
        if (!node.isObject()) {
            throw field(path, "must be an object");
        }
        String role = requireString(node.path("role"), path + ".role");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw field(path + ".role", "must be user or assistant");
        }
        JsonNode content = node.path("content");
        if (content.isTextual()) {
            out.add(ChatMessage.text("user".equals(role) ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT, content.asText()));
            return;
        }
        if (!content.isArray()) {
            throw field(path + ".content", "must be a string or an array of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<ChatMessage> toolResults = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            String blockPath = path + ".content[" + i + "]";
            JsonNode block = content.get(i);
            String type = requireString(block.path("type"), blockPath + ".type");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(requireString(block.path("text"), blockPath + ".text")));
                case "image" -> parts.add(image(block.path("source"), blockPath + ".source"));
                case "tool_use" -> calls.add(new ToolCall(requireString(block.path("id"), blockPath + ".id"),
                        requireString(block.path("name"), blockPath + ".name"),
                        block.path("input").isObject() ? block.get("input").toString() : "{}"));
                case "tool_result" -> toolResults.add(new ChatMessage(ChatMessage.Role.TOOL,
                        List.of(new ContentPart.Text(resultText(block.path("content"), blockPath + ".content"))), null, null,
                        requireString(block.path("tool_use_id"), blockPath + ".tool_use_id")));
                case "thinking", "redacted_thinking" -> {
                    // earlier reasoning is not sent back to other providers
                }
                default -> throw field(blockPath + ".type", "must be text, image, tool_use or tool_result");
            }
        }
        out.addAll(toolResults);
        if (!parts.isEmpty() || !calls.isEmpty()) {
            out.add(new ChatMessage("user".equals(role) ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT, parts, null, calls, null));
        }
    }

    private static ContentPart image(JsonNode source, String path) {
        String type = requireString(source.path("type"), path + ".type");
        return switch (type) {
            case "base64" -> new ContentPart.Image("data:" + requireString(source.path("media_type"), path + ".media_type") + ";base64,"
                    + requireString(source.path("data"), path + ".data"), null);
            case "url" -> new ContentPart.Image(requireString(source.path("url"), path + ".url"), null);
            default -> throw field(path + ".type", "must be base64 or url");
        };
    }

    private static String resultText(JsonNode content, String path) {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        requireArray(content, path);
        StringBuilder text = new StringBuilder();
        content.forEach(block -> text.append(block.path("text").asText("")));
        return text.toString();
    }

    private static List<Tool> tools(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        requireArray(node, "tools");
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode tool = node.get(i);
            JsonNode schema = tool.path("input_schema");
            if (!schema.isObject()) {
                throw field("tools[" + i + "].input_schema", "must be a JSON Schema object");
            }
            tools.add(new Tool(requireString(tool.path("name"), "tools[" + i + "].name"),
                    tool.path("description").isTextual() ? tool.get("description").asText() : null, schema));
        }
        return tools;
    }

    private static JsonNode toolChoice(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String type = requireString(node.path("type"), "tool_choice.type");
        return switch (type) {
            case "auto" -> JSON.textNode("auto");
            case "any" -> JSON.textNode("required");
            case "none" -> JSON.textNode("none");
            case "tool" -> {
                ObjectNode choice = JSON.objectNode().put("type", "function");
                choice.putObject("function").put("name", requireString(node.path("name"), "tool_choice.name"));
                yield choice;
            }
            default -> throw field("tool_choice.type", "must be auto, any, tool or none");
        };
    }
}
