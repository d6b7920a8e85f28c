package dev.switchboard.edge.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.dialect.DialectContract;
import dev.switchboard.edge.dialect.ResponseDialect;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Anthropic Messages dialect under the dialect contract: content blocks, stop reasons, Anthropic's errors. */
class AnthropicMessagesDialectTest extends DialectContract {

    @Override
    protected String name() {
        return "anthropic-messages";
    }

    @Override
    protected ResponseDialect responses() {
        return new AnthropicResponses(GENERATION_ID, MODEL);
    }

    @Override
    protected byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return new AnthropicMessages(64).errorBody(status, message, metadata);
    }

    @Override
    protected String streamedText(List<Event> events) {
        StringBuilder text = new StringBuilder();
        for (Event e : events) {
            if ("content_block_delta".equals(e.name())
                    && e.data().at("/delta/type").asText().equals("text_delta")) {
                text.append(e.data().at("/delta/text").asText());
            }
        }
        return text.toString();
    }

    @Override
    protected String bodyText(JsonNode body) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : body.path("content")) {
            if (block.path("type").asText().equals("text")) {
                text.append(block.path("text").asText());
            }
        }
        return text.toString();
    }

    @Override
    protected Map<String, JsonNode> streamedToolCalls(List<Event> events) {
        Map<Integer, String> blocks = new HashMap<>();
        Map<String, StringBuilder> arguments = new LinkedHashMap<>();
        for (Event e : events) {
            JsonNode data = e.data();
            if ("content_block_start".equals(e.name())
                    && data.at("/content_block/type").asText().equals("tool_use")) {
                String id = data.at("/content_block/id").asText();
                blocks.put(data.path("index").asInt(), id);
                arguments.put(id, new StringBuilder());
            } else if ("content_block_delta".equals(e.name())
                    && data.at("/delta/type").asText().equals("input_json_delta")) {
                arguments
                        .get(blocks.get(data.path("index").asInt()))
                        .append(data.at("/delta/partial_json").asText());
            }
        }
        return parsedArguments(arguments);
    }

    @Override
    protected Map<String, JsonNode> bodyToolCalls(JsonNode body) {
        Map<String, JsonNode> calls = new LinkedHashMap<>();
        for (JsonNode block : body.path("content")) {
            if (block.path("type").asText().equals("tool_use")) {
                calls.put(block.path("id").asText(), block.path("input"));
            }
        }
        return calls;
    }

    @Override
    protected String streamedFinish(List<Event> events) {
        return events.stream()
                .filter(e -> "message_delta".equals(e.name()))
                .map(e -> e.data().at("/delta/stop_reason").asText())
                .reduce((a, b) -> b)
                .orElse(null);
    }

    @Override
    protected String bodyFinish(JsonNode body) {
        return body.path("stop_reason").asText();
    }

    @Override
    protected String streamedError(List<Event> events) {
        return events.stream()
                .filter(e -> "error".equals(e.name()))
                .map(e -> e.data().at("/error/message").asText())
                .findFirst()
                .orElse(null);
    }

    @Override
    protected String errorMessage(JsonNode body) {
        return body.at("/error/message").asText();
    }
}
