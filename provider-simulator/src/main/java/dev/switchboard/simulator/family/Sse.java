package dev.switchboard.simulator.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

/** Server-sent-event framing in the variants providers use. */
final class Sse {

    private Sse() {}

    /** {@code data: <json>\n\n} (OpenAI). */
    static Buffer data(JsonNode data) {
        return Buffer.buffer("data: " + data + "\n\n");
    }

    /** {@code data: <json>\r\n\r\n} (Gemini ends lines with CRLF). */
    static Buffer dataCrlf(JsonNode data) {
        return Buffer.buffer("data: " + data + "\r\n\r\n");
    }

    /** {@code event: <type>\ndata: <json>\n\n} (Anthropic, Cohere). */
    static Buffer event(String type, JsonNode data) {
        return Buffer.buffer("event: " + type + "\ndata: " + data + "\n\n");
    }
}
