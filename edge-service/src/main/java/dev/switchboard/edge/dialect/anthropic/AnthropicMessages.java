package dev.switchboard.edge.dialect.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.Dialect;
import dev.switchboard.edge.dialect.JsonOut;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.wire.ChatRequest;

import java.util.Map;
import java.util.UUID;

/** {@code POST /messages}: Anthropic's Messages API for any routed model, with Anthropic's events and errors. */
public final class AnthropicMessages implements Dialect {

    private final AnthropicRequestParser parser;

    public AnthropicMessages(int maxJsonDepth) {
        this.parser = new AnthropicRequestParser(maxJsonDepth);
    }

    @Override
    public String path() {
        return "/messages";
    }

    @Override
    public String summary() {
        return "Anthropic Messages (any routed model; stream with Anthropic's SSE events)";
    }

    @Override
    public ChatRequest parse(byte[] body) {
        return parser.parse(body);
    }

    @Override
    public ResponseDialect responses(String generationId, String model) {
        return new AnthropicResponses(generationId, model);
    }

    @Override
    public byte[] errorBody(int status, String message, Map<String, Object> metadata) {
        return JsonOut.bytes(error(status, message));
    }

    /** Anthropic's error shape, with the error type its SDKs expect for each status. */
    static ObjectNode error(int status, String message) {
        String type = switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 413 -> "request_too_large";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
        ObjectNode out = JsonOut.object().put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        out.put("request_id", "req_" + UUID.randomUUID().toString().replace("-", ""));
        return out;
    }
}
