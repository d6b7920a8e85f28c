package dev.switchboard.edge.dialect.completions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.dialect.DialectContract;
import dev.switchboard.edge.dialect.ResponseDialect;

import java.util.List;
import java.util.Map;

/** The legacy completions dialect ({@code text_completion}) under the dialect contract: text only, no tool calls. */
class LegacyCompletionsDialectTest extends DialectContract {

    @Override
    protected String name() {
        return "completions";
    }

    @Override
    protected ResponseDialect responses() {
        return new CompletionResponses(GENERATION_ID, CREATED, MODEL);
    }

    @Override
    protected byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return new LegacyCompletions(64).errorBody(status, message, metadata);
    }

    @Override
    protected String streamedText(List<Event> events) {
        StringBuilder text = new StringBuilder();
        openAiChoices(events).forEach(c -> text.append(c.path("text").asText("")));
        return text.toString();
    }

    @Override
    protected String bodyText(JsonNode body) {
        return body.at("/choices/0/text").asText();
    }

    @Override
    protected Map<String, JsonNode> streamedToolCalls(List<Event> events) {
        return Map.of();
    }

    @Override
    protected Map<String, JsonNode> bodyToolCalls(JsonNode body) {
        return Map.of();
    }

    @Override
    protected String streamedFinish(List<Event> events) {
        return openAiFinish(events);
    }

    @Override
    protected String bodyFinish(JsonNode body) {
        return body.at("/choices/0/finish_reason").asText();
    }

    @Override
    protected String streamedError(List<Event> events) {
        return openAiStreamError(events);
    }

    @Override
    protected String errorMessage(JsonNode body) {
        return body.at("/error/message").asText();
    }
}
