package dev.switchboard.edge.dialect.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.JsonOut;
import dev.switchboard.edge.dialect.MessageAccumulator;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.wire.Money;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;

/**
 * Writes router events in OpenAI's chat-completions shapes: stream chunks ({@code data: ...}
 * server-sent events ending with {@code data: [DONE]}) or one aggregated response. One instance
 * per request; not thread-safe.
 */
public final class OpenAiResponses extends ResponseDialect {

    static final String SYSTEM_FINGERPRINT = "fp_switchboard";

    private final String id;
    private final long created;
    private boolean roleSent;
    private final ReasoningDetails reasoningDetails = new ReasoningDetails();

    public OpenAiResponses(String id, long created, String model) {
        super(model);
        this.id = id;
        this.created = created;
    }

    @Override
    public void routed(RouteEvent.Routed routed) {
        super.routed(routed);
        reasoningDetails.format(routed.family());
    }

    // ---- streaming ----

    @Override
    public byte[] streamStart() {
        return new byte[0];
    }

    @Override
    public byte[] delta(RouteEvent.Delta d) {
        ObjectNode delta = JsonOut.object();
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
        return JsonOut.data(chunk);
    }

    @Override
    public byte[] finish(RouteEvent.Finished finished) {
        message.finish(finished);
        ObjectNode delta = JsonOut.object();
        if (!roleSent) {
            delta.put("role", "assistant");
            roleSent = true;
        }
        return JsonOut.data(chunk(delta, finished.reason()));
    }

    /** The usage chunk (no choices, the usage with its cost), then {@code [DONE]}. */
    @Override
    public byte[] streamEnd(Usage usage) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return JsonOut.concat(JsonOut.data(chunk), JsonOut.done());
    }

    /** A failure after the stream started: a chunk with {@code finish_reason: "error"} and the error, then {@code [DONE]}. */
    @Override
    public byte[] streamError(int status, String text) {
        ObjectNode chunk = chunk(JsonOut.object().put("content", ""), "error");
        chunk.putObject("error").put("code", status).put("message", text);
        return JsonOut.concat(JsonOut.data(chunk), JsonOut.done());
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

    // ---- one body ----

    @Override
    public void aggregate(RouteEvent.Delta d) {
        super.aggregate(d);
        reasoningDetails.onDelta(d);
    }

    @Override
    public byte[] complete(Usage usage) {
        ObjectNode response = envelope("chat.completion");
        // present and a string: OpenRouter's SDK wants the key, OpenAI's description wants a string
        response.put("system_fingerprint", SYSTEM_FINGERPRINT);
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
        ObjectNode out = choice.putObject("message").put("role", "assistant");
        if (!message.hasContent() && message.hasToolCalls()) {
            out.putNull("content");
        } else {
            out.put("content", message.content());
        }
        out.putNull("refusal");
        if (!message.reasoning().isEmpty()) {
            out.put("reasoning", message.reasoning());
        }
        ArrayNode details = reasoningDetails.all();
        if (details != null) {
            out.set("reasoning_details", details);
        }
        if (message.hasToolCalls()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (MessageAccumulator.ToolCallParts call : message.toolCalls()) {
                ObjectNode c = calls.addObject();
                if (call.id() != null) {
                    c.put("id", call.id());
                }
                c.put("type", "function");
                ObjectNode function = c.putObject("function");
                if (call.name() != null) {
                    function.put("name", call.name());
                }
                function.put("arguments", call.arguments());
            }
        }
        putFinish(choice, message.finishReason());
        if (message.logprobs() != null) {
            ObjectNode lp = choice.putObject("logprobs");
            lp.set("content", message.logprobs());
            lp.putNull("refusal");
        }
        response.set("usage", usage(usage));
        return JsonOut.bytes(response);
    }

    private ObjectNode envelope(String object) {
        ObjectNode node = JsonOut.object().put("id", id);
        if (provider() != null) {
            node.put("provider", provider());
        }
        node.put("model", model()).put("object", object).put("created", created);
        return node;
    }

    /** OpenRouter's usage: tokens, their details and the cost in USD. */
    public static ObjectNode usage(Usage usage) {
        ObjectNode u = JsonOut.object()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens())
                .put("cost", Money.usd(usage.costNanos()));
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }
}
