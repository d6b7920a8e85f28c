package dev.switchboard.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.wire.WireCodec;

/** Reads an internal service's error answer (the public error shape) back into an exception. */
final class ErrorBodies {

    private ErrorBodies() {}

    static EdgeException toException(InternalClient.Reply reply, String fallbackMessage) {
        int status = reply.status();
        String message = fallbackMessage;
        try {
            JsonNode error =
                    WireCodec.mapper().readTree(reply.body().getBytes()).path("error");
            if (error.path("message").isTextual()) {
                message = error.path("message").asText();
            }
        } catch (Exception ignored) {
            // keep the fallback message
        }
        if (status >= 500) {
            return new EdgeException(503, fallbackMessage + ": service unavailable");
        }
        return new EdgeException(status, message);
    }
}
