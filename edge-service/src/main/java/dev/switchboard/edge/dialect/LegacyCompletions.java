package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.switchboard.edge.dialect.JsonBodies.field;

/**
 * The legacy completions dialect ({@code POST /completions}): a {@code prompt} instead of messages
 * (sent to chat models as one user message) and {@code text_completion} objects back.
 */
public final class LegacyCompletions {

    private final JsonBodies bodies;
    private final OpenAiRequestParser chatParser;

    public LegacyCompletions(int maxDepth) {
        this.bodies = new JsonBodies(maxDepth);
        this.chatParser = new OpenAiRequestParser(maxDepth);
    }

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

    /** Writes {@code text_completion} objects. */
    public static final class Responses implements ResponseDialect {

        private final OpenAiResponses chat;
        private final String id;
        private final long created;
        private final StringBuilder text = new StringBuilder();
        private String finish;

        public Responses(String generationId, long created, String model) {
            this.chat = new OpenAiResponses(generationId, created, model);
            this.id = generationId;
            this.created = created;
        }

        @Override
        public void routed(RouteEvent.Routed routed) {
            chat.routed(routed);
        }

        @Override
        public String model() {
            return chat.model();
        }

        @Override
        public String provider() {
            return chat.provider();
        }

        @Override
        public byte[] streamStart() {
            return new byte[0];
        }

        @Override
        public byte[] delta(RouteEvent.Delta delta) {
            return delta.content() == null ? new byte[0] : event(completion(delta.content(), null));
        }

        @Override
        public byte[] finish(RouteEvent.Finished finished) {
            return event(completion("", finished.reason()));
        }

        @Override
        public byte[] streamEnd(Usage usage) {
            ObjectNode last = completion("", null);
            last.putArray("choices");
            last.set(
                    "usage",
                    OpenAiResponses.JSON.valueToTree(Map.of(
                            "prompt_tokens",
                            usage.promptTokens(),
                            "completion_tokens",
                            usage.completionTokens(),
                            "total_tokens",
                            usage.totalTokens(),
                            "cost",
                            dev.switchboard.wire.Money.usd(usage.costNanos()))));
            return OpenAiResponses.concat(event(last), OpenAiResponses.done());
        }

        @Override
        public byte[] streamError(int status, String message) {
            return chat.streamError(status, message);
        }

        @Override
        public void aggregate(RouteEvent.Delta delta) {
            if (delta.content() != null) {
                text.append(delta.content());
            }
        }

        @Override
        public void finished(RouteEvent.Finished finished) {
            finish = finished.reason();
        }

        @Override
        public byte[] complete(Usage usage) {
            ObjectNode body = completion(text.toString(), finish);
            body.set(
                    "usage",
                    OpenAiResponses.JSON.valueToTree(Map.of(
                            "prompt_tokens",
                            usage.promptTokens(),
                            "completion_tokens",
                            usage.completionTokens(),
                            "total_tokens",
                            usage.totalTokens(),
                            "cost",
                            dev.switchboard.wire.Money.usd(usage.costNanos()))));
            return OpenAiResponses.write(body).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
            return chat.errorBody(status, message, metadata);
        }

        private ObjectNode completion(String piece, String finishReason) {
            ObjectNode node = OpenAiResponses.JSON
                    .createObjectNode()
                    .put("id", id)
                    .put("object", "text_completion")
                    .put("created", created)
                    .put("model", chat.model());
            if (chat.provider() != null) {
                node.put("provider", chat.provider());
            }
            ObjectNode choice =
                    node.putArray("choices").addObject().put("text", piece).put("index", 0);
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            return node;
        }

        private static byte[] event(ObjectNode node) {
            return ("data: " + OpenAiResponses.write(node) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
