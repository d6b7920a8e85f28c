package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One answer's deltas gathered into a message, for the dialects that answer with one body: the
 * text, the reasoning (all of it, and in blocks closed by a signature or returned encrypted), the
 * tool calls by index with their arguments concatenated, the token log-probabilities and the
 * finish reason. Every dialect writes its body from this; none aggregates deltas itself. One
 * instance per request; not thread-safe.
 */
public final class MessageAccumulator {

    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder unsigned = new StringBuilder();
    private final List<ReasoningBlock> reasoningBlocks = new ArrayList<>();
    private final Map<Integer, PartsSoFar> toolCalls = new TreeMap<>();
    private ArrayNode logprobs;
    private String finishReason;

    /** Reasoning a provider closed: {@code text} with its {@code signature}, or {@code redacted} (encrypted) alone. */
    public record ReasoningBlock(String text, String signature, String redacted) {}

    /** A tool call as assembled: id and name as they arrived (either may be null), the arguments concatenated. */
    public record ToolCallParts(int index, String id, String name, String arguments) {}

    private static final class PartsSoFar {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    public void add(RouteEvent.Delta delta) {
        if (delta.content() != null) {
            content.append(delta.content());
        }
        if (delta.reasoning() != null) {
            reasoning.append(delta.reasoning());
            unsigned.append(delta.reasoning());
        }
        if (delta.reasoningSignature() != null) {
            reasoningBlocks.add(new ReasoningBlock(unsigned.toString(), delta.reasoningSignature(), null));
            unsigned.setLength(0);
        }
        if (delta.redactedReasoning() != null) {
            reasoningBlocks.add(new ReasoningBlock(null, null, delta.redactedReasoning()));
        }
        if (delta.logprobs() != null && delta.logprobs().path("content").isArray()) {
            if (logprobs == null) {
                logprobs = JsonNodeFactory.instance.arrayNode();
            }
            logprobs.addAll((ArrayNode) delta.logprobs().get("content"));
        }
        for (ToolCallDelta call : delta.toolCalls()) {
            PartsSoFar parts = toolCalls.computeIfAbsent(call.index(), i -> new PartsSoFar());
            if (call.id() != null) {
                parts.id = call.id();
            }
            if (call.name() != null) {
                parts.name = call.name();
            }
            if (call.arguments() != null) {
                parts.arguments.append(call.arguments());
            }
        }
    }

    public void finish(RouteEvent.Finished finished) {
        finishReason = finished.reason();
    }

    public String content() {
        return content.toString();
    }

    public boolean hasContent() {
        return !content.isEmpty();
    }

    /** All reasoning text, signed or not, in order. */
    public String reasoning() {
        return reasoning.toString();
    }

    /** Reasoning closed by a signature or returned encrypted, in order. */
    public List<ReasoningBlock> reasoningBlocks() {
        return List.copyOf(reasoningBlocks);
    }

    /** Reasoning text after the last signature: the part no provider signed (the OpenAI family's). */
    public String unsignedReasoning() {
        return unsigned.toString();
    }

    /** Tool calls in index order. */
    public List<ToolCallParts> toolCalls() {
        List<ToolCallParts> out = new ArrayList<>(toolCalls.size());
        toolCalls.forEach(
                (index, parts) -> out.add(new ToolCallParts(index, parts.id, parts.name, parts.arguments.toString())));
        return out;
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** The log-probabilities of every token so far, in OpenAI's {@code content} array; null when none came. */
    public ArrayNode logprobs() {
        return logprobs;
    }

    /** The normalized finish reason, null until the model stopped. */
    public String finishReason() {
        return finishReason;
    }
}
