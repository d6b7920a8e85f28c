package dev.switchboard.edge.dialect.completions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.Dialect;
import dev.switchboard.edge.dialect.ErrorBody;
import dev.switchboard.edge.dialect.JsonBodies;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.edge.dialect.openai.OpenAiRequestParser;
import dev.switchboard.wire.ChatRequest;

import java.util.Map;

import static dev.switchboard.edge.dialect.JsonBodies.field;

/**
 * {@code POST /completions}, the legacy completions API: a {@code prompt} instead of messages
 * (sent to chat models as one user message) and {@code text_completion} objects back; OpenRouter's
 * errors.
 */
public final class LegacyCompletions implements Dialect {

    private final JsonBodies bodies;
    private final OpenAiRequestParser chatParser;

    public LegacyCompletions(int maxJsonDepth) {
        this.bodies = new JsonBodies(maxJsonDepth);
        this.chatParser = new OpenAiRequestParser(maxJsonDepth);
    }

    @Override
    public String path() {
        return "/completions";
    }

    @Override
    public String summary() {
        return "Legacy completion from a prompt";
    }

    @Override
    public ChatRequest parse(byte[] body) {
        JsonNode root = bodies.object(body);
        JsonNode prompt = root.path("prompt");
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else if (prompt.isArray() && prompt.size() > 1) {
            throw field("prompt", "must be one prompt (a string); batches are not supported");
        } else {
            throw field("prompt", prompt.isMissingNode() || prompt.isNull() ? "is required" : "must be a string");
        }
        // the chat parser checks every shared field; the prompt stands in for the messages
        ObjectNode asChat = root.deepCopy();
        asChat.remove("prompt");
        asChat.putArray("messages").addObject().put("role", "user").put("content", text);
        return chatParser.parse(asChat);
    }

    @Override
    public ResponseDialect responses(String generationId, String model) {
        return new CompletionResponses(generationId, System.currentTimeMillis() / 1000, model);
    }

    @Override
    public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return ErrorBody.OPENAI.write(status, message, metadata);
    }
}
