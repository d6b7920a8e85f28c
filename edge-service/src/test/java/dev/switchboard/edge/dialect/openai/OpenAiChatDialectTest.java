package dev.switchboard.edge.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.dialect.DialectContract;
import dev.switchboard.edge.dialect.ResponseDialect;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAI / OpenRouter chat-completions dialect under the dialect contract. */
class OpenAiChatDialectTest extends DialectContract {

    @Override
    protected String name() {
        return "openai-chat";
    }

    @Override
    protected ResponseDialect responses() {
        return new OpenAiResponses(GENERATION_ID, CREATED, MODEL);
    }

    @Override
    protected byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return new OpenAiChat(64).errorBody(status, message, metadata);
    }

    @Override
    protected String streamedText(List<Event> events) {
        StringBuilder text = new StringBuilder();
        openAiChoices(events).forEach(c -> text.append(c.at("/delta/content").asText("")));
        return text.toString();
    }

    @Override
    protected String bodyText(JsonNode body) {
        return body.at("/choices/0/message/content").asText("");
    }

    @Override
    protected Map<String, JsonNode> streamedToolCalls(List<Event> events) {
        Map<Integer, String> ids = new HashMap<>();
        Map<String, StringBuilder> arguments = new LinkedHashMap<>();
        for (JsonNode choice : openAiChoices(events)) {
            for (JsonNode call : choice.at("/delta/tool_calls")) {
                int index = call.path("index").asInt();
                if (call.hasNonNull("id")) {
                    ids.put(index, call.get("id").asText());
                }
                arguments
                        .computeIfAbsent(ids.get(index), id -> new StringBuilder())
                        .append(call.at("/function/arguments").asText(""));
            }
        }
        return parsedArguments(arguments);
    }

    @Override
    protected Map<String, JsonNode> bodyToolCalls(JsonNode body) {
        Map<String, StringBuilder> arguments = new LinkedHashMap<>();
        for (JsonNode call : body.at("/choices/0/message/tool_calls")) {
            arguments.put(
                    call.path("id").asText(),
                    new StringBuilder(call.at("/function/arguments").asText()));
        }
        return parsedArguments(arguments);
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
