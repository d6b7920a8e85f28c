package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.Money;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import dev.switchboard.wire.WireCodec;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes router events in OpenAI's chat-completions shapes: stream chunks ({@code data: ...}
 * server-sent events ending with {@code data: [DONE]}) or one aggregated response. One instance
 * per request; not thread-safe.
 */
public final class OpenAiResponses implements ResponseDialect {

    /** Costs are exact decimals: written as plain JSON numbers (0.0000306, not 3.06E-5). */
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    static final String SYSTEM_FINGERPRINT = "fp_switchboard";

    private final String id;
    private final long created;
    private String model;
    private String provider;
    private boolean roleSent;
    private String finishReason;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
    private final ReasoningDetails reasoningDetails = new ReasoningDetails();
    private ArrayNode logprobs;

    public OpenAiResponses(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    @Override
    public void routed(RouteEvent.Routed routed) {
        this.model = routed.model();
        this.provider = routed.provider();
        reasoningDetails.format(routed.family());
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
        return new byte[0];
    }

    @Override
    public byte[] delta(RouteEvent.Delta d) {
        return deltaChunk(d);
    }

    @Override
    public byte[] finish(RouteEvent.Finished finished) {
        return finishChunk(finished);
    }

    /** The usage chunk, then {@code [DONE]}. */
    @Override
    public byte[] streamEnd(Usage usage) {
        return concat(usageChunk(usage), done());
    }

    @Override
    public byte[] streamError(int status, String message) {
        return concat(errorChunk(status, message), done());
    }

    @Override
    public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return WireCodec.encode(ErrorResponse.of(status, message, metadata));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public byte[] deltaChunk(RouteEvent.Delta d) {
        ObjectNode delta = JSON.createObjectNode();
        if (!roleSent) {
            delta.put("role", "assistant");
            roleSent = true;
        }
        if (d.content() != null) {
            delta.put("content", d.content());
        }
        if (d.reasoning() != null) {
            delta.put("reasoning", d.reasoning());
        }
        ArrayNode details = reasoningDetails.onDelta(d);
        if (details != null) {
            delta.set("reasoning_details", details);
        }
        if (!d.toolCalls().isEmpty()) {
            ArrayNode calls = delta.putArray("tool_calls");
            for (ToolCallDelta call : d.toolCalls()) {
                ObjectNode c = calls.addObject().put("index", call.index());
                if (call.id() != null) {
                    c.put("id", call.id()).put("type", "function");
                }
                ObjectNode function = c.putObject("function");
                if (call.name() != null) {
                    function.put("name", call.name());
                }
                function.put("arguments", call.arguments() == null ? "" : call.arguments());
            }
        }
        ObjectNode chunk = chunk(delta, null);
        if (d.logprobs() != null) {
            ((ObjectNode) chunk.get("choices").get(0)).set("logprobs", d.logprobs());
        }
        return event(chunk);
    }

    public byte[] finishChunk(RouteEvent.Finished finished) {
        finishReason = finished.reason();
        ObjectNode delta = JSON.createObjectNode();
        if (!roleSent) {
            delta.put("role", "assistant");
            roleSent = true;
        }
        return event(chunk(delta, finished.reason()));
    }

    /** The last chunk before {@code [DONE]}: no choices, the usage with its cost. */
    public byte[] usageChunk(Usage usage) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return event(chunk);
    }

    /** A failure after the stream started: a chunk with {@code finish_reason: "error"} and the error. */
    public byte[] errorChunk(int code, String message) {
        ObjectNode chunk = chunk(JSON.createObjectNode().put("content", ""), "error");
        chunk.putObject("error").put("code", code).put("message", message);
        return event(chunk);
    }

    public static byte[] done() {
        return "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    }

    private ObjectNode chunk(ObjectNode delta, String finish) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        putFinish(choice, finish);
        return chunk;
    }

    /** finish_reason, native_finish_reason (the same: adapters already normalize) and logprobs of a choice. */
    private static void putFinish(ObjectNode choice, String reason) {
        if (reason == null) {
            choice.putNull("finish_reason");
            choice.putNull("native_finish_reason");
        } else {
            choice.put("finish_reason", reason);
            choice.put("native_finish_reason", reason);
        }
        choice.putNull("logprobs");
    }

    private static byte[] event(ObjectNode node) {
        return ("data: " + write(node) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    public static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- non-streaming ----

    @Override
    public void aggregate(RouteEvent.Delta d) {
        if (d.content() != null) {
            content.append(d.content());
        }
        if (d.reasoning() != null) {
            reasoning.append(d.reasoning());
        }
        reasoningDetails.onDelta(d);
        if (d.logprobs() != null && d.logprobs().path("content").isArray()) {
            if (logprobs == null) {
                logprobs = JSON.createArrayNode();
            }
            logprobs.addAll((ArrayNode) d.logprobs().get("content"));
        }
        for (ToolCallDelta call : d.toolCalls()) {
            ObjectNode c = toolCalls.computeIfAbsent(call.index(), i -> {
                ObjectNode n = JSON.createObjectNode().put("type", "function");
                n.putObject("function").put("arguments", "");
                return n;
            });
            if (call.id() != null) {
                c.put("id", call.id());
            }
            ObjectNode function = (ObjectNode) c.get("function");
            if (call.name() != null) {
                function.put("name", call.name());
            }
            if (call.arguments() != null) {
                function.put("arguments", function.get("arguments").asText() + call.arguments());
            }
        }
    }

    @Override
    public void finished(RouteEvent.Finished finished) {
        finishReason = finished.reason();
    }

    @Override
    public byte[] complete(Usage usage) {
        ObjectNode response = envelope("chat.completion");
        // present and a string: OpenRouter's SDK wants the key, OpenAI's description wants a string
        response.put("system_fingerprint", SYSTEM_FINGERPRINT);
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (content.isEmpty() && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", content.toString());
        }
        message.putNull("refusal");
        if (!reasoning.isEmpty()) {
            message.put("reasoning", reasoning.toString());
        }
        ArrayNode details = reasoningDetails.all();
        if (details != null) {
            message.set("reasoning_details", details);
        }
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            toolCalls.values().forEach(calls::add);
        }
        putFinish(choice, finishReason);
        if (logprobs != null) {
            ObjectNode lp = choice.putObject("logprobs");
            lp.set("content", logprobs);
            lp.putNull("refusal");
        }
        response.set("usage", usage(usage));
        return write(response).getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode envelope(String object) {
        ObjectNode node = JSON.createObjectNode().put("id", id);
        if (provider != null) {
            node.put("provider", provider);
        }
        node.put("model", model).put("object", object).put("created", created);
        return node;
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode u = JSON.createObjectNode()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens())
                .put("cost", Money.usd(usage.costNanos()));
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }
}
