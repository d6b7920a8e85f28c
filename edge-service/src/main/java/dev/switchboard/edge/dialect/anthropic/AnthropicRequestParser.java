package dev.switchboard.edge.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.dialect.JsonBodies;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.Reasoning;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;
import dev.switchboard.wire.ToolChoice;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.edge.dialect.JsonBodies.field;
import static dev.switchboard.edge.dialect.JsonBodies.number;
import static dev.switchboard.edge.dialect.JsonBodies.requireArray;
import static dev.switchboard.edge.dialect.JsonBodies.requireString;

/**
 * Reads an Anthropic Messages body ({@code POST /v1/messages}) into the internal request:
 * {@code system} (string or text blocks) becomes a system message; content blocks map to parts
 * ({@code text} with its {@code cache_control}, {@code image}, {@code document}), tool calls
 * ({@code tool_use}), tool messages ({@code tool_result}) and the assistant's signed reasoning
 * ({@code thinking}, {@code redacted_thinking}); {@code stop_sequences}, {@code top_k},
 * {@code tools} ({@code input_schema}), {@code tool_choice} ({@code auto}/{@code any}/{@code tool}/
 * {@code none}, {@code disable_parallel_tool_use}) and {@code thinking} (a reasoning budget) map to
 * the internal request. {@code max_tokens} is required, as Anthropic requires it.
 */
public final class AnthropicRequestParser {

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
            List<ContentPart> parts = new ArrayList<>();
            for (int i = 0; i < system.size(); i++) {
                parts.add(new ContentPart.Text(
                        requireString(system.get(i).path("text"), "system[" + i + "].text"),
                        cacheControl(system.get(i))));
            }
            messages.add(new ChatMessage(ChatMessage.Role.SYSTEM, parts, null, null, null));
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
        String user = root.path("metadata").path("user_id").isTextual()
                ? root.path("metadata").path("user_id").asText()
                : null;
        Sampling sampling = new Sampling(
                maxTokens,
                number(root, "temperature", 0, 1),
                number(root, "top_p", 0, 1),
                JsonBodies.intBetween(root, "top_k", "top_k", 0, Integer.MAX_VALUE),
                null,
                null,
                null,
                stop,
                null,
                null);
        JsonNode choice = root.path("tool_choice");
        Boolean parallel = choice.path("disable_parallel_tool_use").asBoolean(false) ? Boolean.FALSE : null;
        return new ChatRequest(
                List.of(model),
                messages,
                sampling,
                tools(root.path("tools")),
                toolChoice(choice),
                parallel,
                null,
                thinking(root.path("thinking"), maxTokens),
                JsonBodies.bool(root, "stream"),
                user,
                RoutingPreferences.DEFAULT);
    }

    /** {@code thinking: {type: enabled, budget_tokens}}: a reasoning budget; {@code disabled} or absent: none. */
    private static Reasoning thinking(JsonNode node, int maxTokens) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String type = requireString(node.path("type"), "thinking.type");
        return switch (type) {
            case "disabled" -> null;
            case "enabled" -> {
                Integer budget =
                        JsonBodies.intBetween(node, "budget_tokens", "thinking.budget_tokens", 1024, Integer.MAX_VALUE);
                if (budget == null) {
                    throw field("thinking.budget_tokens", "is required");
                }
                if (budget >= maxTokens) {
                    throw field("thinking.budget_tokens", "must be less than max_tokens");
                }
                yield new Reasoning(null, budget, false);
            }
            default -> throw field("thinking.type", "must be enabled or disabled");
        };
    }

    private static JsonNode cacheControl(JsonNode block) {
        JsonNode cache = block.path("cache_control");
        return cache.isObject() ? cache : null;
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
            out.add(ChatMessage.text(
                    "user".equals(role) ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT, content.asText()));
            return;
        }
        if (!content.isArray()) {
            throw field(path + ".content", "must be a string or an array of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<ReasoningPart> reasoning = new ArrayList<>();
        List<ChatMessage> toolResults = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            String blockPath = path + ".content[" + i + "]";
            JsonNode block = content.get(i);
            String type = requireString(block.path("type"), blockPath + ".type");
            switch (type) {
                case "text" ->
                    parts.add(new ContentPart.Text(
                            requireString(block.path("text"), blockPath + ".text"), cacheControl(block)));
                case "image" -> parts.add(image(block.path("source"), blockPath + ".source"));
                case "document" ->
                    parts.add(document(
                            block.path("source"),
                            blockPath + ".source",
                            block.path("title").isTextual() ? block.get("title").asText() : null));
                case "tool_use" ->
                    calls.add(new ToolCall(
                            requireString(block.path("id"), blockPath + ".id"),
                            requireString(block.path("name"), blockPath + ".name"),
                            block.path("input").isObject() ? block.get("input").toString() : "{}"));
                case "tool_result" ->
                    toolResults.add(new ChatMessage(
                            ChatMessage.Role.TOOL,
                            List.of(new ContentPart.Text(resultText(block.path("content"), blockPath + ".content"))),
                            null,
                            null,
                            requireString(block.path("tool_use_id"), blockPath + ".tool_use_id")));
                // kept with the turn: Anthropic and Bedrock refuse a tool-use turn whose signed thinking went missing
                case "thinking" ->
                    reasoning.add(new ReasoningPart(
                            block.path("thinking").asText(""),
                            block.path("signature").isTextual()
                                    ? block.get("signature").asText()
                                    : null,
                            null));
                case "redacted_thinking" ->
                    reasoning.add(
                            new ReasoningPart(null, null, requireString(block.path("data"), blockPath + ".data")));
                default ->
                    throw field(
                            blockPath + ".type",
                            "must be text, image, document, tool_use, tool_result, thinking or redacted_thinking");
            }
        }
        out.addAll(toolResults);
        if (!parts.isEmpty() || !calls.isEmpty() || !reasoning.isEmpty()) {
            out.add(new ChatMessage(
                    "user".equals(role) ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT,
                    parts,
                    null,
                    calls,
                    null,
                    "assistant".equals(role) ? reasoning : List.of()));
        }
    }

    private static ContentPart document(JsonNode source, String path, String title) {
        String type = requireString(source.path("type"), path + ".type");
        return switch (type) {
            case "base64" ->
                new ContentPart.File(
                        title,
                        requireString(source.path("data"), path + ".data"),
                        requireString(source.path("media_type"), path + ".media_type"),
                        null);
            case "text" -> new ContentPart.Text(requireString(source.path("data"), path + ".data"));
            default -> throw field(path + ".type", "must be base64 or text");
        };
    }

    private static ContentPart image(JsonNode source, String path) {
        String type = requireString(source.path("type"), path + ".type");
        return switch (type) {
            case "base64" ->
                new ContentPart.Image(
                        "data:" + requireString(source.path("media_type"), path + ".media_type") + ";base64,"
                                + requireString(source.path("data"), path + ".data"),
                        null);
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
            tools.add(new Tool(
                    requireString(tool.path("name"), "tools[" + i + "].name"),
                    tool.path("description").isTextual()
                            ? tool.get("description").asText()
                            : null,
                    schema));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String type = requireString(node.path("type"), "tool_choice.type");
        return switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> ToolChoice.tool(requireString(node.path("name"), "tool_choice.name"));
            default -> throw field("tool_choice.type", "must be auto, any, tool or none");
        };
    }
}
