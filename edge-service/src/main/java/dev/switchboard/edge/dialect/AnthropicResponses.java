package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes router events in Anthropic's Messages shapes. Streaming follows Anthropic's event
 * sequence: {@code message_start} (empty content, zero usage), then per content block
 * {@code content_block_start} → {@code content_block_delta}s → {@code content_block_stop} (text as
 * {@code text_delta}, tool calls as {@code tool_use} blocks with {@code input_json_delta}, reasoning as
 * {@code thinking} blocks), then {@code message_delta} (stop reason, usage) and {@code message_stop};
 * every event carries its {@code event:} line. One instance per request.
 */
public final class AnthropicResponses implements ResponseDialect {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private String model;
    private String provider;
    private String stopReason;
    // streaming state: the open block (-1 none) and what it is
    private int nextIndex;
    private int openIndex = -1;
    private String openType;
    private Integer openToolCall;
    // aggregation
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private final List<ObjectNode> reasoningBlocks = new ArrayList<>();
    private final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
    private final Map<Integer, StringBuilder> toolArguments = new TreeMap<>();

    public AnthropicResponses(String generationId, String model) {
        this.id = "msg_" + generationId.replace("gen-", "");
        this.model = model;
    }

    @Override
    public void routed(RouteEvent.Routed routed) {
        this.model = routed.model();
        this.provider = routed.provider();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String provider() {
        return provider;
    }

    // ---- streaming ----

    @Override
    public byte[] streamStart() {
        ObjectNode message = message();
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putNull("stop_details");
        message.putNull("container");
        message.set("usage", usage(0, 0));
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        start.set("message", message);
        return event("message_start", start);
    }

    @Override
    public byte[] delta(RouteEvent.Delta d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (d.reasoning() != null) {
            open(out, "thinking", null, null, null);
            ObjectNode delta =
                    JSON.createObjectNode().put("type", "thinking_delta").put("thinking", d.reasoning());
            write(out, blockDelta(delta));
        }
        if (d.reasoningSignature() != null) {
            // the signature closes its thinking block, as Anthropic streams it
            open(out, "thinking", null, null, null);
            write(
                    out,
                    blockDelta(JSON.createObjectNode()
                            .put("type", "signature_delta")
                            .put("signature", d.reasoningSignature())));
            close(out);
        }
        if (d.redactedReasoning() != null) {
            close(out);
            ObjectNode start =
                    JSON.createObjectNode().put("type", "content_block_start").put("index", nextIndex);
            start.putObject("content_block").put("type", "redacted_thinking").put("data", d.redactedReasoning());
            write(out, event("content_block_start", start));
            write(
                    out,
                    event(
                            "content_block_stop",
                            JSON.createObjectNode()
                                    .put("type", "content_block_stop")
                                    .put("index", nextIndex++)));
        }
        if (d.content() != null) {
            open(out, "text", null, null, null);
            write(
                    out,
                    blockDelta(JSON.createObjectNode().put("type", "text_delta").put("text", d.content())));
        }
        for (ToolCallDelta call : d.toolCalls()) {
            open(out, "tool_use", call.index(), call.id(), call.name());
            if (call.arguments() != null && !call.arguments().isEmpty()) {
                write(
                        out,
                        blockDelta(JSON.createObjectNode()
                                .put("type", "input_json_delta")
                                .put("partial_json", call.arguments())));
            }
        }
        return out.toByteArray();
    }

    /** Opens a block of {@code type} unless it is the one already open (a tool call is identified by its index). */
    private void open(ByteArrayOutputStream out, String type, Integer toolIndex, String toolId, String toolName) {
        boolean same = type.equals(openType) && (toolIndex == null || toolIndex.equals(openToolCall));
        if (openIndex >= 0 && same) {
            return;
        }
        close(out);
        ObjectNode block = JSON.createObjectNode().put("type", type);
        switch (type) {
            case "text" -> block.put("text", "").putNull("citations");
            case "thinking" -> block.put("thinking", "").put("signature", "");
            default -> {
                block.put("id", toolId == null ? "toolu_" + toolIndex : toolId)
                        .put("name", toolName == null ? "" : toolName);
                block.putObject("input");
                block.putObject("caller").put("type", "direct");
            }
        }
        openIndex = nextIndex++;
        openType = type;
        openToolCall = toolIndex;
        ObjectNode start =
                JSON.createObjectNode().put("type", "content_block_start").put("index", openIndex);
        start.set("content_block", block);
        write(out, event("content_block_start", start));
    }

    private void close(ByteArrayOutputStream out) {
        if (openIndex >= 0) {
            write(
                    out,
                    event(
                            "content_block_stop",
                            JSON.createObjectNode()
                                    .put("type", "content_block_stop")
                                    .put("index", openIndex)));
            openIndex = -1;
            openType = null;
            openToolCall = null;
        }
    }

    private byte[] blockDelta(ObjectNode delta) {
        ObjectNode event =
                JSON.createObjectNode().put("type", "content_block_delta").put("index", openIndex);
        event.set("delta", delta);
        return event("content_block_delta", event);
    }

    @Override
    public byte[] finish(RouteEvent.Finished finished) {
        stopReason = stopReason(finished.reason());
        return new byte[0];
    }

    @Override
    public byte[] streamEnd(Usage usage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        close(out);
        ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta")
                .put("stop_reason", stopReason == null ? "end_turn" : stopReason)
                .putNull("stop_sequence")
                .putNull("stop_details")
                .putNull("container");
        delta.set(
                "usage",
                JSON.createObjectNode()
                        .put("input_tokens", usage.promptTokens())
                        .put("output_tokens", usage.completionTokens())
                        .put("cache_creation_input_tokens", 0)
                        .put("cache_read_input_tokens", 0)
                        .putNull("server_tool_use"));
        write(out, event("message_delta", delta));
        write(out, event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return out.toByteArray();
    }

    @Override
    public byte[] streamError(int status, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        close(out);
        write(out, event("error", error(status, message)));
        return out.toByteArray();
    }

    // ---- one body ----

    @Override
    public void aggregate(RouteEvent.Delta d) {
        if (d.content() != null) {
            text.append(d.content());
        }
        if (d.reasoning() != null) {
            thinking.append(d.reasoning());
        }
        if (d.reasoningSignature() != null) {
            reasoningBlocks.add(JSON.createObjectNode()
                    .put("type", "thinking")
                    .put("thinking", thinking.toString())
                    .put("signature", d.reasoningSignature()));
            thinking.setLength(0);
        }
        if (d.redactedReasoning() != null) {
            reasoningBlocks.add(
                    JSON.createObjectNode().put("type", "redacted_thinking").put("data", d.redactedReasoning()));
        }
        for (ToolCallDelta call : d.toolCalls()) {
            ObjectNode block = toolCalls.computeIfAbsent(
                    call.index(), i -> JSON.createObjectNode().put("type", "tool_use"));
            if (call.id() != null) {
                block.put("id", call.id());
            }
            if (call.name() != null) {
                block.put("name", call.name());
            }
            if (call.arguments() != null) {
                toolArguments
                        .computeIfAbsent(call.index(), i -> new StringBuilder())
                        .append(call.arguments());
            }
        }
    }

    @Override
    public void finished(RouteEvent.Finished finished) {
        stopReason = stopReason(finished.reason());
    }

    @Override
    public byte[] complete(Usage usage) {
        ObjectNode message = message();
        ArrayNode content = message.putArray("content");
        reasoningBlocks.forEach(content::add);
        if (!thinking.isEmpty()) {
            // reasoning the provider did not sign (the OpenAI family's): Anthropic's shape still wants the field
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", thinking.toString())
                    .put("signature", "");
        }
        if (!text.isEmpty() || toolCalls.isEmpty()) {
            content.addObject().put("type", "text").put("text", text.toString()).putNull("citations");
        }
        toolCalls.forEach((index, block) -> {
            if (!block.has("id")) {
                block.put("id", "toolu_" + index);
            }
            block.set(
                    "input",
                    parseObject(toolArguments
                            .getOrDefault(index, new StringBuilder())
                            .toString()));
            block.putObject("caller").put("type", "direct");
            content.add(block);
        });
        message.put("stop_reason", stopReason == null ? "end_turn" : stopReason);
        message.putNull("stop_sequence");
        message.putNull("stop_details");
        message.putNull("container");
        message.set("usage", usage(usage.promptTokens(), usage.completionTokens()));
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return error(status, message).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Anthropic's error shape, with the error type its SDKs expect for each status. */
    public static ObjectNode error(int status, String message) {
        String type = switch (status) {
            case 400, 413, 422 -> status == 413 ? "request_too_large" : "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
        ObjectNode out = JSON.createObjectNode().put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        out.put("request_id", "req_" + java.util.UUID.randomUUID().toString().replace("-", ""));
        return out;
    }

    private ObjectNode message() {
        return JSON.createObjectNode()
                .put("id", id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
    }

    private static ObjectNode usage(int input, int output) {
        ObjectNode usage = JSON.createObjectNode()
                .put("input_tokens", input)
                .put("output_tokens", output)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0);
        usage.putNull("cache_creation");
        usage.putNull("inference_geo");
        usage.putNull("server_tool_use");
        usage.put("service_tier", "standard");
        return usage;
    }

    private static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    private static JsonNode parseObject(String arguments) {
        try {
            JsonNode node = JSON.readTree(arguments.isBlank() ? "{}" : arguments);
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] event(String name, ObjectNode data) {
        return ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void write(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(bytes);
    }
}
