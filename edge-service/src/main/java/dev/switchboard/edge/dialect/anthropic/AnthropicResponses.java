package dev.switchboard.edge.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.JsonOut;
import dev.switchboard.edge.dialect.MessageAccumulator;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;

import java.io.ByteArrayOutputStream;

/**
 * Writes router events in Anthropic's Messages shapes. Streaming follows Anthropic's event
 * sequence: {@code message_start} (empty content, zero usage), then per content block
 * {@code content_block_start} → {@code content_block_delta}s → {@code content_block_stop} (text as
 * {@code text_delta}, tool calls as {@code tool_use} blocks with {@code input_json_delta}, reasoning as
 * {@code thinking} blocks), then {@code message_delta} (stop reason, usage) and {@code message_stop};
 * every event carries its {@code event:} line. One instance per request.
 */
public final class AnthropicResponses extends ResponseDialect {

    private final String id;
    // streaming state: the open block (-1 none) and what it is
    private int nextIndex;
    private int openIndex = -1;
    private String openType;
    private Integer openToolCall;

    public AnthropicResponses(String generationId, String model) {
        super(model);
        this.id = "msg_" + generationId.replace("gen-", "");
    }

    // ---- streaming ----

    @Override
    public byte[] streamStart() {
        ObjectNode message = messageEnvelope();
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putNull("stop_details");
        message.putNull("container");
        message.set("usage", usage(0, 0));
        ObjectNode start = JsonOut.object().put("type", "message_start");
        start.set("message", message);
        return JsonOut.event("message_start", start);
    }

    @Override
    public byte[] delta(RouteEvent.Delta d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (d.reasoning() != null) {
            open(out, "thinking", null, null, null);
            out.writeBytes(
                    blockDelta(JsonOut.object().put("type", "thinking_delta").put("thinking", d.reasoning())));
        }
        if (d.reasoningSignature() != null) {
            // the signature closes its thinking block, as Anthropic streams it
            open(out, "thinking", null, null, null);
            out.writeBytes(blockDelta(
                    JsonOut.object().put("type", "signature_delta").put("signature", d.reasoningSignature())));
            close(out);
        }
        if (d.redactedReasoning() != null) {
            close(out);
            ObjectNode start =
                    JsonOut.object().put("type", "content_block_start").put("index", nextIndex);
            start.putObject("content_block").put("type", "redacted_thinking").put("data", d.redactedReasoning());
            out.writeBytes(JsonOut.event("content_block_start", start));
            out.writeBytes(JsonOut.event(
                    "content_block_stop",
                    JsonOut.object().put("type", "content_block_stop").put("index", nextIndex++)));
        }
        if (d.content() != null) {
            open(out, "text", null, null, null);
            out.writeBytes(blockDelta(JsonOut.object().put("type", "text_delta").put("text", d.content())));
        }
        for (ToolCallDelta call : d.toolCalls()) {
            open(out, "tool_use", call.index(), call.id(), call.name());
            if (call.arguments() != null && !call.arguments().isEmpty()) {
                out.writeBytes(blockDelta(
                        JsonOut.object().put("type", "input_json_delta").put("partial_json", call.arguments())));
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
        ObjectNode block = JsonOut.object().put("type", type);
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
        ObjectNode start = JsonOut.object().put("type", "content_block_start").put("index", openIndex);
        start.set("content_block", block);
        out.writeBytes(JsonOut.event("content_block_start", start));
    }

    private void close(ByteArrayOutputStream out) {
        if (openIndex >= 0) {
            out.writeBytes(JsonOut.event(
                    "content_block_stop",
                    JsonOut.object().put("type", "content_block_stop").put("index", openIndex)));
            openIndex = -1;
            openType = null;
            openToolCall = null;
        }
    }

    private byte[] blockDelta(ObjectNode delta) {
        ObjectNode event = JsonOut.object().put("type", "content_block_delta").put("index", openIndex);
        event.set("delta", delta);
        return JsonOut.event("content_block_delta", event);
    }

    @Override
    public byte[] finish(RouteEvent.Finished finished) {
        message.finish(finished);
        return new byte[0];
    }

    @Override
    public byte[] streamEnd(Usage usage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        close(out);
        ObjectNode delta = JsonOut.object().put("type", "message_delta");
        delta.putObject("delta")
                .put("stop_reason", stopReason(message.finishReason()))
                .putNull("stop_sequence")
                .putNull("stop_details")
                .putNull("container");
        delta.set(
                "usage",
                JsonOut.object()
                        .put("input_tokens", usage.promptTokens())
                        .put("output_tokens", usage.completionTokens())
                        .put("cache_creation_input_tokens", 0)
                        .put("cache_read_input_tokens", 0)
                        .putNull("server_tool_use"));
        out.writeBytes(JsonOut.event("message_delta", delta));
        out.writeBytes(JsonOut.event("message_stop", JsonOut.object().put("type", "message_stop")));
        return out.toByteArray();
    }

    @Override
    public byte[] streamError(int status, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        close(out);
        out.writeBytes(JsonOut.event("error", AnthropicMessages.error(status, text)));
        return out.toByteArray();
    }

    // ---- one body ----

    @Override
    public byte[] complete(Usage usage) {
        ObjectNode body = messageEnvelope();
        ArrayNode content = body.putArray("content");
        for (MessageAccumulator.ReasoningBlock block : message.reasoningBlocks()) {
            if (block.redacted() != null) {
                content.addObject().put("type", "redacted_thinking").put("data", block.redacted());
            } else {
                content.addObject()
                        .put("type", "thinking")
                        .put("thinking", block.text())
                        .put("signature", block.signature());
            }
        }
        if (!message.unsignedReasoning().isEmpty()) {
            // reasoning the provider did not sign (the OpenAI family's): Anthropic's shape still wants the field
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", message.unsignedReasoning())
                    .put("signature", "");
        }
        if (message.hasContent() || !message.hasToolCalls()) {
            content.addObject()
                    .put("type", "text")
                    .put("text", message.content())
                    .putNull("citations");
        }
        for (MessageAccumulator.ToolCallParts call : message.toolCalls()) {
            ObjectNode block = content.addObject().put("type", "tool_use");
            block.put("id", call.id() == null ? "toolu_" + call.index() : call.id());
            if (call.name() != null) {
                block.put("name", call.name());
            }
            block.set("input", parseObject(call.arguments()));
            block.putObject("caller").put("type", "direct");
        }
        body.put("stop_reason", stopReason(message.finishReason()));
        body.putNull("stop_sequence");
        body.putNull("stop_details");
        body.putNull("container");
        body.set("usage", usage(usage.promptTokens(), usage.completionTokens()));
        return JsonOut.bytes(body);
    }

    private ObjectNode messageEnvelope() {
        return JsonOut.object()
                .put("id", id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model());
    }

    private static ObjectNode usage(int input, int output) {
        ObjectNode usage = JsonOut.object()
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
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    private static JsonNode parseObject(String arguments) {
        try {
            JsonNode node = JsonOut.JSON.readTree(arguments.isBlank() ? "{}" : arguments);
            return node != null && node.isObject() ? node : JsonOut.object();
        } catch (Exception e) {
            return JsonOut.object();
        }
    }
}
