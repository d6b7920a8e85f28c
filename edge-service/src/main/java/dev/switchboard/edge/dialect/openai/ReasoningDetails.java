package dev.switchboard.edge.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.JsonBodies;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCall;
import dev.switchboard.wire.ToolCallDelta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.edge.dialect.JsonBodies.field;
import static dev.switchboard.edge.dialect.JsonBodies.requireArray;

/**
 * OpenRouter's {@code reasoning_details}: the reasoning an answer carried, in a form the client sends
 * back unchanged on its next turn, because providers that sign reasoning (Anthropic, Bedrock, Gemini)
 * refuse a tool-use turn whose signature went missing.
 *
 * <p>Entries: {@code reasoning.text} ({@code text}, {@code signature}), {@code reasoning.encrypted}
 * ({@code data}; with {@code id} it is the signature of that tool call, Gemini's
 * {@code thoughtSignature}) and {@code reasoning.summary} ({@code summary}), each with an
 * {@code index} and the {@code format} (the wire family that produced them: a signature is only valid
 * at the family that made it). Streamed entries with the same index belong together (texts
 * concatenate), as in OpenRouter's streams.
 *
 * <p>One instance follows one answer: {@link #onDelta} gives a chunk's entries, {@link #all} the
 * merged list for a whole message.
 */
final class ReasoningDetails {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<Integer, ObjectNode> merged = new LinkedHashMap<>();
    private final Map<Integer, String> toolIds = new HashMap<>();
    private int index;
    private boolean textOpen;
    private String format;

    /** The wire family of the provider now answering: entries carry it as their {@code format}. */
    void format(String family) {
        this.format = family;
    }

    /** The entries for one delta, or null when it carries no reasoning. */
    ArrayNode onDelta(RouteEvent.Delta delta) {
        ArrayNode out = null;
        if (delta.reasoning() != null) {
            out = add(
                    out,
                    NODES.objectNode()
                            .put("type", "reasoning.text")
                            .put("text", delta.reasoning())
                            .put("index", index));
            textOpen = true;
        }
        if (delta.reasoningSignature() != null) {
            out = add(
                    out,
                    NODES.objectNode()
                            .put("type", "reasoning.text")
                            .put("signature", delta.reasoningSignature())
                            .put("index", index));
            close();
        }
        if (delta.redactedReasoning() != null) {
            closeOpenText();
            out = add(
                    out,
                    NODES.objectNode()
                            .put("type", "reasoning.encrypted")
                            .put("data", delta.redactedReasoning())
                            .put("index", index));
            close();
        }
        for (ToolCallDelta call : delta.toolCalls()) {
            if (call.id() != null) {
                toolIds.put(call.index(), call.id());
            }
            if (call.signature() != null) {
                closeOpenText();
                out = add(
                        out,
                        NODES.objectNode()
                                .put("type", "reasoning.encrypted")
                                .put("data", call.signature())
                                .put("id", toolIds.get(call.index()))
                                .put("index", index));
                close();
            }
        }
        return out;
    }

    /** Every entry so far, same-index fragments merged; null when the answer had no reasoning. */
    ArrayNode all() {
        if (merged.isEmpty()) {
            return null;
        }
        ArrayNode out = NODES.arrayNode();
        merged.values().forEach(out::add);
        return out;
    }

    private ArrayNode add(ArrayNode out, ObjectNode entry) {
        if (format != null) {
            entry.put("format", format);
        }
        ObjectNode existing = merged.get(entry.get("index").asInt());
        if (existing == null) {
            merged.put(entry.get("index").asInt(), entry.deepCopy());
        } else {
            if (entry.has("text")) {
                existing.put(
                        "text",
                        existing.path("text").asText("") + entry.get("text").asText());
            }
            if (entry.has("signature")) {
                existing.put("signature", entry.get("signature").asText());
            }
        }
        ArrayNode target = out == null ? NODES.arrayNode() : out;
        target.add(entry);
        return target;
    }

    private void closeOpenText() {
        if (textOpen) {
            close();
        }
    }

    private void close() {
        index++;
        textOpen = false;
    }

    /** An assistant message's reasoning as sent back by a client, and its tool calls with their signatures attached. */
    record Read(List<ReasoningPart> parts, List<ToolCall> toolCalls) {}

    private static String format(JsonNode entry) {
        return entry.path("format").isTextual() ? entry.get("format").asText() : null;
    }

    static Read read(JsonNode message, List<ToolCall> toolCalls, String path) {
        JsonNode details = message.path("reasoning_details");
        if (details.isMissingNode() || details.isNull()) {
            JsonNode text = message.path("reasoning");
            return new Read(
                    text.isTextual() && !text.asText().isEmpty()
                            ? List.of(new ReasoningPart(text.asText(), null, null))
                            : List.of(),
                    toolCalls);
        }
        requireArray(details, path + ".reasoning_details");
        List<ReasoningPart> parts = new ArrayList<>();
        Map<String, String> signatures = new HashMap<>();
        for (int i = 0; i < details.size(); i++) {
            JsonNode entry = details.get(i);
            String at = path + ".reasoning_details[" + i + "]";
            String type = JsonBodies.requireString(entry.path("type"), at + ".type");
            switch (type) {
                case "reasoning.text" ->
                    parts.add(new ReasoningPart(
                            entry.path("text").asText(""),
                            entry.path("signature").isTextual()
                                    ? entry.get("signature").asText()
                                    : null,
                            null,
                            format(entry)));
                case "reasoning.summary" ->
                    parts.add(new ReasoningPart(entry.path("summary").asText(""), null, null, format(entry)));
                case "reasoning.encrypted" -> {
                    String data = JsonBodies.requireString(entry.path("data"), at + ".data");
                    if (entry.path("id").isTextual()) {
                        signatures.put(entry.get("id").asText(), data);
                    } else {
                        parts.add(new ReasoningPart(null, null, data, format(entry)));
                    }
                }
                default ->
                    throw field(at + ".type", "must be reasoning.text, reasoning.summary or reasoning.encrypted");
            }
        }
        List<ToolCall> signed = toolCalls.stream()
                .map(c -> signatures.containsKey(c.id())
                        ? new ToolCall(c.id(), c.name(), c.arguments(), signatures.get(c.id()))
                        : c)
                .toList();
        return new Read(parts, signed);
    }
}
