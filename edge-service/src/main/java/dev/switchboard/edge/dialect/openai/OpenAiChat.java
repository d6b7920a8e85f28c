package dev.switchboard.edge.dialect.openai;

import dev.switchboard.edge.dialect.Dialect;
import dev.switchboard.edge.dialect.ErrorBody;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.wire.ChatRequest;

import java.util.Map;

/** {@code POST /chat/completions}: OpenAI's chat completions with OpenRouter's additions, OpenRouter's errors. */
public final class OpenAiChat implements Dialect {

    private final OpenAiRequestParser parser;

    public OpenAiChat(int maxJsonDepth) {
        this.parser = new OpenAiRequestParser(maxJsonDepth);
    }

    @Override
    public String path() {
        return "/chat/completions";
    }

    @Override
    public String summary() {
        return "Chat completion (OpenAI / OpenRouter dialect; stream with SSE)";
    }

    @Override
    public String description() {
        return "OpenAI's chat-completions body plus OpenRouter's models, provider and :nitro / :floor";
    }

    @Override
    public ChatRequest parse(byte[] body) {
        return parser.parse(body);
    }

    @Override
    public ResponseDialect responses(String generationId, String model) {
        return new OpenAiResponses(generationId, System.currentTimeMillis() / 1000, model);
    }

    @Override
    public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return ErrorBody.OPENAI.write(status, message, metadata);
    }
}
